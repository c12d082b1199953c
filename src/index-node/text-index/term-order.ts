// The indexed words in alphabetical order, for prefix expansion. Words keep being added while
// searches ask for prefixes (a registration adds thousands a second, each title with a word of its
// own): merging every new word into one sorted list before a search costs the whole vocabulary per
// search, and during a 100,000-book registration that was a third of the index's time. Here the
// words are held as sorted runs, each more than twice as long as the next (the logarithmic method):
// new words are sorted among themselves and merged into the shortest runs only, so a word is merged
// O(log n) times in all and a search looks in at most log2(n) runs. A merge of long runs (a
// vocabulary of 100,000 words merged with half as many) took 5-10 ms, in the search that happened to
// settle it: such a merge is made a step at a time, over the searches that follow, while its two
// runs stay searchable as they are.
import { TERM_MERGE_STEP } from '../constants.js'

/** Two neighbouring runs being merged a step at a time; both stay in `runs` until it is done. */
interface Merge {
  a: number[]
  b: number[]
  out: number[]
  i: number
  j: number
}

export class TermOrder {
  /** Sorted runs of term ids, longest first, each more than twice as long as the next. */
  private runs: number[][] = []
  /** Terms added since the last search (sorted and merged in when one asks). */
  private pending: number[] = []
  private merging?: Merge

  /** @param mergeStep - terms a search moves of a long merge (at most one merge runs at a time) */
  constructor (private readonly nameOf: (term: number) => string, private readonly mergeStep = TERM_MERGE_STEP) {}

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
    this.merging = undefined
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

  /**
   * Sorts the pending terms into a run, moves the merge in progress on by a step, then merges the
   * shortest runs while the invariant asks: at once when they are short, else by starting a merge.
   */
  private settle (): void {
    if (this.pending.length > 0) {
      this.runs.push(this.pending.sort((a, b) => this.nameOf(a) < this.nameOf(b) ? -1 : 1))
      this.pending = []
    }
    this.stepMerge()
    for (let n = this.runs.length; n >= 2 && this.runs[n - 2].length <= this.runs[n - 1].length * 2; n = this.runs.length) {
      const [a, b] = this.runs.slice(n - 2)
      if (this.merging?.b === a || this.merging?.a === a) return // the runs before it wait for the merge in progress
      if (a.length + b.length <= this.mergeStep) {
        this.runs.splice(n - 2, 2, this.merge(a, b))
      } else {
        if (this.merging != null) return
        this.merging = { a, b, out: new Array<number>(a.length + b.length), i: 0, j: 0 }
        this.stepMerge()
        return
      }
    }
  }

  /** Moves the merge in progress on by at most `mergeStep` terms; once done, its runs are replaced by the merged one. */
  private stepMerge (): void {
    const m = this.merging
    if (m == null) return
    const { a, b, out } = m
    let { i, j } = m
    const end = Math.min(out.length, i + j + this.mergeStep)
    let k = i + j
    while (k < end) {
      if (j >= b.length || (i < a.length && this.nameOf(a[i]) < this.nameOf(b[j]))) out[k++] = a[i++]
      else out[k++] = b[j++]
    }
    m.i = i
    m.j = j
    if (k < out.length) return
    this.runs.splice(this.runs.indexOf(a), 2, out)
    this.merging = undefined
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
