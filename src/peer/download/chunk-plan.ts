import { MAX_CLAIMS } from './constants.js'

/** A run of chunks: `count` chunks from index `first`. */
export interface ChunkRun { first: number, count: number }

/**
 * Which chunks are done, who delivered each, and who is fetching the rest. Workers claim
 * contiguous runs of pending chunks; once none are pending they may claim runs already in flight
 * elsewhere (the end game). One byte per chunk for each of the owner and the claims: a book of
 * 131,072 chunks (32 GiB) takes 256 KiB.
 */
export class ChunkPlan {
  /**
   * For each chunk, 0 while it is not done, else who delivered it (a provider's number in the
   * download's ledger, or FROM_DISK): the chunk map the UI colours by provider.
   */
  readonly owners: Uint8Array
  private readonly claims: Uint8Array
  /** No chunk below this index is pending: claims start here instead of at 0 (books of 100k+ chunks). */
  private firstPending = 0
  doneCount = 0

  constructor (readonly total: number) {
    this.owners = new Uint8Array(total)
    this.claims = new Uint8Array(total)
  }

  isDone (i: number): boolean { return this.owners[i] !== 0 }

  /** Marks chunk `i` verified, delivered by `owner` (1..255); false when it already was. */
  markDone (i: number, owner: number): boolean {
    if (this.owners[i] !== 0) return false
    this.owners[i] = owner
    this.doneCount++
    return true
  }

  private pending (i: number): boolean { return this.owners[i] === 0 && this.claims[i] === 0 }

  private nextPending (): number {
    while (this.firstPending < this.total && !this.pending(this.firstPending)) this.firstPending++
    return this.firstPending
  }

  private runFrom (first: number, max: number, ok: (i: number) => boolean): ChunkRun {
    let count = 0
    while (count < max && first + count < this.total && ok(first + count)) count++
    for (let i = first; i < first + count; i++) this.claims[i]++
    return { first, count }
  }

  /** A run of up to `max` chunks to request; `mine` are chunks this worker already has in flight. */
  claim (max: number, mine: Set<number>): ChunkRun | undefined {
    const first = this.nextPending()
    if (first < this.total) return this.runFrom(first, max, i => this.pending(i))
    // the end game: nothing pending, so duplicate what is still in flight elsewhere
    const duplicable = (i: number): boolean => this.owners[i] === 0 && this.claims[i] < MAX_CLAIMS && !mine.has(i)
    for (let i = 0; i < this.total; i++) {
      if (duplicable(i)) return this.runFrom(i, max, duplicable)
    }
    return undefined
  }

  release (first: number, count: number): void {
    for (let i = first; i < first + count; i++) if (this.claims[i] > 0) this.claims[i]--
    // released chunks may be pending again
    this.firstPending = Math.min(this.firstPending, first)
  }

  get hasPending (): boolean { return this.nextPending() < this.total }

  get complete (): boolean { return this.doneCount === this.total }
}
