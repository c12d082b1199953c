// The best books of a search, kept in a bounded heap as they are met.

/** Whether a book's (score, number) ranks below another's: lower score, or equal and seen later. */
function worse (score: number, book: number, otherScore: number, otherBook: number): boolean {
  return score < otherScore || (score === otherScore && book > otherBook)
}

/**
 * The best `size` books offered, by score, equal scores going to the lower book number (the order
 * the index first saw them: a stable order for paging that needs no string comparison). A bounded
 * heap with the worst kept on top. With `positions` (an array indexed by book number, shared from
 * search to search), a book's score may rise after it was offered (raise): then the heap holds the
 * best books by their latest scores, and the walk's heap is the page itself, where otherwise every
 * matched book would be ranked again after the walk.
 */
export class TopBooks {
  private readonly scores: Float64Array
  private readonly books: Int32Array
  private length = 0

  /**
   * @param positions - per book, its index in this heap; read only where `books` confirms it (a
   * stale entry from an earlier search points at another book or past the end), so it is never cleared
   */
  constructor (readonly size: number, private readonly positions?: Int32Array) {
    this.scores = new Float64Array(size)
    this.books = new Int32Array(size)
  }

  get full (): boolean { return this.length === this.size }

  /** Whether a book scoring `score` could not be kept: it is worse than the worst of a full heap. */
  keepsOut (score: number, book: number): boolean {
    return this.size === 0 || (this.full && worse(score, book, this.scores[0], this.books[0]))
  }

  offer (score: number, book: number): void {
    if (this.keepsOut(score, book)) return
    if (!this.full) {
      // a new leaf, moved up past the better entries above it
      let i = this.length++
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!worse(score, book, this.scores[parent], this.books[parent])) break
        this.move(parent, i)
        i = parent
      }
      this.place(i, score, book)
    } else {
      // the worst goes; the new entry moves down past the worse entries below it
      this.sink(0, score, book)
    }
  }

  /**
   * A book offered before now scores `score`, more than then (needs `positions`): kept, it moves
   * down the heap, away from the worst; kept out (or pushed out since), it is offered again.
   */
  raise (score: number, book: number): void {
    if (this.keepsOut(score, book)) return
    const at = (this.positions as Int32Array)[book]
    if (at < this.length && this.books[at] === book) this.sink(at, score, book)
    else this.offer(score, book)
  }

  /** Puts (score, book) at `i` or below it, moving the worse of its children up past it. */
  private sink (i: number, score: number, book: number): void {
    for (;;) {
      let child = i * 2 + 1
      if (child >= this.length) break
      if (child + 1 < this.length && worse(this.scores[child + 1], this.books[child + 1], this.scores[child], this.books[child])) child++
      if (!worse(this.scores[child], this.books[child], score, book)) break
      this.move(child, i)
      i = child
    }
    this.place(i, score, book)
  }

  private place (i: number, score: number, book: number): void {
    this.scores[i] = score
    this.books[i] = book
    if (this.positions != null) this.positions[book] = i
  }

  private move (from: number, to: number): void {
    this.place(to, this.scores[from], this.books[from])
  }

  /** The books kept, best first. */
  bestFirst (): number[] {
    const order = Array.from({ length: this.length }, (_, i) => i)
    const { scores, books } = this
    order.sort((x, y) => worse(scores[x], books[x], scores[y], books[y]) ? 1 : worse(scores[y], books[y], scores[x], books[x]) ? -1 : 0)
    return order.map(i => books[i])
  }
}
