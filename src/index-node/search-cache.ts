// A small cache of recent search replies: hot queries (the same few words typed by many people) are
// answered without touching the catalog. It holds at most maxEntries and, given each value's size,
// at most maxBytes (a reply may reach megabytes: a thousand of them would be gigabytes). An entry
// lives at most ttlMs, and never past the moment its page stops being true (a provider's lease or
// grace period ending: the caller says when, and shortens every entry when a provider disconnects),
// so a cached reply never lists a provider the catalog itself would no longer list.

export interface CacheBudget<V> {
  maxBytes: number
  sizeOf: (value: V) => number
}

export class SearchCache<V> {
  private readonly entries = new Map<string, { value: V, expiresAt: number, bytes: number }>()
  private bytes = 0

  constructor (private readonly maxEntries = 1000, private readonly ttlMs = 5_000, private readonly now: () => number = Date.now, private readonly budget?: CacheBudget<V>) {}

  get (key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry == null) return undefined
    if (this.now() >= entry.expiresAt) {
      this.delete(key)
      return undefined
    }
    // refresh its place: Map order is the LRU order
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  /** Keeps `value` for ttlMs, or until `validUntil` if that comes first. */
  set (key: string, value: V, validUntil = Infinity): void {
    this.delete(key)
    const expiresAt = Math.min(this.now() + this.ttlMs, validUntil)
    if (expiresAt <= this.now()) return
    const bytes = this.budget?.sizeOf(value) ?? 0
    if (this.budget != null && bytes > this.budget.maxBytes) return
    this.entries.set(key, { value, expiresAt, bytes })
    this.bytes += bytes
    while (this.entries.size > this.maxEntries || (this.budget != null && this.bytes > this.budget.maxBytes)) {
      this.delete(this.entries.keys().next().value as string)
    }
  }

  private delete (key: string): void {
    const entry = this.entries.get(key)
    if (entry == null) return
    this.entries.delete(key)
    this.bytes -= entry.bytes
  }

  /** Ends every entry by `at` at the latest (a provider left: pages listing it are true until then). */
  expireBy (at: number): void {
    for (const entry of this.entries.values()) entry.expiresAt = Math.min(entry.expiresAt, at)
  }

  clear (): void {
    this.entries.clear()
    this.bytes = 0
  }

  get size (): number { return this.entries.size }

  /** What the entries weigh, by the budget's sizeOf (0 without a budget). */
  get sizeBytes (): number { return this.bytes }
}
