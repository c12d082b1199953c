// A small cache of recent search pages: hot queries (the same few words typed by many people) are
// answered without touching the catalog. An entry lives at most ttlMs, and never past the moment
// its page stops being true (a provider's lease or grace period ending: the caller says when, and
// shortens every entry when a provider disconnects), so a cached page never lists a provider the
// catalog itself would no longer list.

export class SearchCache<V> {
  private readonly entries = new Map<string, { value: V, expiresAt: number }>()

  constructor (private readonly maxEntries = 1000, private readonly ttlMs = 5_000, private readonly now: () => number = Date.now) {}

  get (key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry == null) return undefined
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key)
      return undefined
    }
    // refresh its place: Map order is the LRU order
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  /** Keeps `value` for ttlMs, or until `validUntil` if that comes first. */
  set (key: string, value: V, validUntil = Infinity): void {
    this.entries.delete(key)
    const expiresAt = Math.min(this.now() + this.ttlMs, validUntil)
    if (expiresAt <= this.now()) return
    this.entries.set(key, { value, expiresAt })
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
  }

  /** Ends every entry by `at` at the latest (a provider left: pages listing it are true until then). */
  expireBy (at: number): void {
    for (const entry of this.entries.values()) entry.expiresAt = Math.min(entry.expiresAt, at)
  }

  clear (): void {
    this.entries.clear()
  }

  get size (): number { return this.entries.size }
}
