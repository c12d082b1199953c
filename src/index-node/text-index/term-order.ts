// The indexed words in alphabetical order, for prefix expansion. Words keep being added while
// searches ask for prefixes (a registration adds thousands a second, each title with a word of its
// own): merging every new word into one sorted list before a search costs the whole vocabulary per
// search, and during a 100,000-book registration that was a third of the index's time. Here the
// words are held as sorted runs, each more than twice as long as the next (the logarithmic method):
// new words are sorted among themselves and merged into the shortest runs only, so a word is merged
// O(log n) times in all and a search looks in at most log2(n) runs.

export class TermOrder {
  /** Sorted runs of term ids, longest first, each more than twice as long as the next. */
  private runs: number[][] = []
  /** Terms added since the last search (sorted and merged in when one asks). */
  private pending: number[] = []

  constructor (private readonly nameOf: (term: number) => string) {}

  add (term: number): void {
    this.pending.push(term)
  }

  /**
   * What a snapshot keeps: the longest run (sorted) and every other term (not sorted yet), so that
   * neither saving nor restoring merges anything.
   */
  saved (): { sorted: number[], unsorted: number[] } {
    return { sorted: this.runs[0] ?? [], unsorted: [...this.runs.slice(1).flat(), ...this.pending] }
  }

  /** Restores what saved() returned. */
  restore (sorted: number[], unsorted: number[]): void {
    this.runs = sorted.length > 0 ? [sorted] : []
    this.pending = unsorted
  }

  /** The terms that start with `prefix` and pass `keep`, alphabetically. */
  withPrefix (prefix: string, keep: (term: number) => boolean): number[] {
    this.settle()
    let found: number[] = []
    for (const run of this.runs) {
      // the words from `prefix` up to the first past all that start with it: a second binary search
      // rather than comparing every word of a long range
      const to = this.firstAtLeast(run, `${prefix}\uffff`)
      const inRun: number[] = []
      for (let i = this.firstAtLeast(run, prefix); i < to; i++) {
        if (keep(run[i])) inRun.push(run[i])
      }
      found = found.length === 0 ? inRun : this.merge(found, inRun)
    }
    return found
  }

  /** The position in `run` of the first word not before `text`. */
  private firstAtLeast (run: number[], text: string): number {
    let lo = 0
    let hi = run.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.nameOf(run[mid]) < text) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Sorts the pending terms into a run, then merges the shortest runs while the invariant asks. */
  private settle (): void {
    if (this.pending.length === 0) return
    let run = this.pending.sort((a, b) => this.nameOf(a) < this.nameOf(b) ? -1 : 1)
    this.pending = []
    while (this.runs.length > 0 && this.runs[this.runs.length - 1].length <= run.length * 2) {
      run = this.merge(this.runs.pop() as number[], run)
    }
    this.runs.push(run)
  }

  private merge (a: number[], b: number[]): number[] {
    const merged = new Array<number>(a.length + b.length)
    let i = 0
    let j = 0
    let k = 0
    while (i < a.length && j < b.length) merged[k++] = this.nameOf(a[i]) < this.nameOf(b[j]) ? a[i++] : b[j++]
    while (i < a.length) merged[k++] = a[i++]
    while (j < b.length) merged[k++] = b[j++]
    return merged
  }
}
