// A search's scratch space, kept from one search to the next: generation stamps per book (grouping),
// per word (a prefix's words) and per slot (a prefix's listings), so nothing is cleared in between.
import { INITIAL_SIZE } from './constants.js'

/** The search walk reads these arrays directly; only this class replaces them. */
export class SearchScratch {
  private generation = 0
  /**
   * Per book, side by side: [generation it was last matched in, its best score then]. One array, so
   * that a match reads and writes one place in memory, not one per array.
   */
  bookMatch = new Float64Array(0)
  termStamp = new Uint32Array(0)
  /** Per slot: marked in this generation, and then the prefix words' (frequency << 3 | fields) there. */
  slotStamp = new Uint32Array(0)
  slotMatch = new Int32Array(0)
  matchedBooks = new Int32Array(0)
  /** A matching slot of each matched book, in searches without words (its title orders their results). */
  bookSlot = new Int32Array(0)
  /** Per book, its place in the walk's heap of the best books (TopBooks' positions: never cleared). */
  heapAt = new Int32Array(0)

  /** A new generation (a stamp no array holds yet), with room for `books` books. */
  next (books: number): number {
    if (this.matchedBooks.length < books) {
      const room = Math.max(INITIAL_SIZE, books * 2)
      this.bookMatch = new Float64Array(room * 2)
      this.matchedBooks = new Int32Array(room)
      this.bookSlot = new Int32Array(room)
      this.heapAt = new Int32Array(room)
    }
    if (this.generation === 0xffffffff) {
      this.generation = 0
      this.bookMatch.fill(0)
      this.termStamp.fill(0)
      this.slotStamp.fill(0)
    }
    return ++this.generation
  }

  /** Room to stamp the words numbered below `terms`. */
  roomForTerms (terms: number): void {
    if (this.termStamp.length < terms) this.termStamp = new Uint32Array(terms * 2)
  }

  /** Room to mark the slots below `slots` (made at the store's `capacity`). */
  roomForSlots (slots: number, capacity: number): void {
    if (this.slotStamp.length < slots) {
      this.slotStamp = new Uint32Array(capacity)
      this.slotMatch = new Int32Array(capacity)
    }
  }

  /** Drops the stamps once compaction has renumbered books, words and slots. */
  forget (): void {
    this.bookMatch = new Float64Array(0)
    this.matchedBooks = new Int32Array(0)
    this.heapAt = new Int32Array(0)
    this.termStamp = new Uint32Array(0)
    this.slotStamp = new Uint32Array(0)
  }
}
