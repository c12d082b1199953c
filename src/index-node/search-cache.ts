// A small cache of recent search pages: hot queries (the same few words typed by many people) are
// answered without touching the database. Any change to the catalog's contents clears it, so a
// cached page is never staler than the catalog itself.

export class SearchCache<V> {
  private readonly entries = new Map<string, { value: V, at: number }>()

  constructor (private readonly maxEntries = 1000, private readonly ttlMs = 5_000, private readonly now: () => number = Date.now) {}

  get (key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry == null) return undefined
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(key)
      return undefined
    }
    // refresh its place: Map order is the LRU order
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  set (key: string, value: V): void {
    this.entries.delete(key)
    this.entries.set(key, { value, at: this.now() })
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
  }

  clear (): void {
    this.entries.clear()
  }
}
