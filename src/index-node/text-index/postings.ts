// A word's posting list: the listings holding it, with what bounds their scores per block.
import { BLOCK, MAX_TF } from './constants.js'
import { grow } from './grow.js'
import { SnapshotLayoutError, type SnapshotReader, type SnapshotWriter } from './snapshot-sections.js'

/** Postings a list keeps in the shared slab before it gets arrays of its own. */
const SMALL_LIST = 4
/** Numbers per slab: room for 8,192 small lists. */
const SLAB_NUMBERS = 1 << 16

/**
 * Where small posting lists keep their postings: most words of a catalog are in one listing or a few
 * (a title's own word), and a typed array or two per word made the garbage collector trace hundreds
 * of thousands of objects (a full collection took ~400 ms at 100,000 listings, every search waiting).
 * A list takes SMALL_LIST postings' room here, in a shared array, and moves out when it outgrows it.
 */
export class PostingSlab {
  private current = new Int32Array(SLAB_NUMBERS)
  private used = 0

  /** Room for `numbers` numbers: the array and where in it. */
  take (numbers: number): { array: Int32Array, start: number } {
    if (this.used + numbers > this.current.length) {
      this.current = new Int32Array(SLAB_NUMBERS)
      this.used = 0
    }
    const start = this.used
    this.used += numbers
    return { array: this.current, start }
  }
}

/** The block bounds of a list of at most one block, which a search never reads (see blockBounds). */
const ONE_BLOCK: Int32Array = new Int32Array(0)

/**
 * A word's postings: the slots holding it, ascending, each with its weighted frequency and the
 * fields it appears in, packed into one array (slot, frequency << 3 | fields) from `start` (small
 * lists share one array: see PostingSlab). Per block of BLOCK postings it also keeps what bounds
 * their scores (the highest frequency, the shortest listing) and the lowest book number, so a search
 * can pass over blocks that cannot reach its page without reading their listings; a list of one
 * block keeps no such array (its bounds are the list's own: maxTf, minLength, minBook).
 */
export class PostingList {
  length = 0
  /** Postings whose slot is still alive (bm25's document frequency). */
  live = 0
  /** The same as `blocks` over the whole list. */
  maxTf = 0
  minLength = 0x7fffffff
  minBook = 0x7fffffff
  /** Where the list's postings start in `entries`, and how many numbers it has room for there. */
  start = 0
  private room: number

  /**
   * `blocks`: [highest weighted frequency, fewest words, lowest book] per block; removals leave it
   * an upper bound. Arrays of its own are given by restore() only (a restored list allocates nothing
   * more); else the list starts in the slab.
   */
  constructor (slab?: PostingSlab, public entries: Int32Array = new Int32Array(0), public blocks: Int32Array = ONE_BLOCK) {
    if (slab != null) {
      const { array, start } = slab.take(SMALL_LIST * 2)
      this.entries = array
      this.start = start
      this.room = SMALL_LIST * 2
    } else {
      this.room = entries.length
    }
  }

  /** Room for `postings` postings (when the final size is known: no growth while pushing). */
  reserve (postings: number): void {
    if (postings * 2 > this.room) {
      const entries = new Int32Array(postings * 2)
      entries.set(this.entries.subarray(this.start, this.start + this.length * 2))
      this.entries = entries
      this.start = 0
      this.room = entries.length
    }
    if (postings > BLOCK) {
      const blocks = Math.ceil(postings / BLOCK) * 3
      if (this.blocks === ONE_BLOCK) this.blocks = Int32Array.of(this.maxTf, this.minLength, this.minBook)
      if (blocks > this.blocks.length) this.blocks = grow(this.blocks, blocks)
    }
  }

  push (slot: number, weightedTf: number, fields: number, length: number, book: number): void {
    if (this.length * 2 === this.room || this.length === BLOCK) this.reserve(Math.max(this.length * 2, this.length + 1))
    const tf = Math.min(weightedTf, MAX_TF)
    const at = this.start + this.length * 2
    this.entries[at] = slot
    this.entries[at + 1] = tf << 3 | fields
    if (this.blocks !== ONE_BLOCK) {
      const b = Math.floor(this.length / BLOCK) * 3
      if (this.length % BLOCK === 0) {
        this.blocks[b] = tf; this.blocks[b + 1] = length; this.blocks[b + 2] = book
      } else {
        if (tf > this.blocks[b]) this.blocks[b] = tf
        if (length < this.blocks[b + 1]) this.blocks[b + 1] = length
        if (book < this.blocks[b + 2]) this.blocks[b + 2] = book
      }
    }
    if (tf > this.maxTf) this.maxTf = tf
    if (length < this.minLength) this.minLength = length
    if (book < this.minBook) this.minBook = book
    this.length++
    this.live++
  }

  /** The block bounds: [highest frequency, fewest words, lowest book] per block, 3 numbers each. */
  blockBounds (): Int32Array {
    return this.blocks !== ONE_BLOCK ? this.blocks : Int32Array.of(this.maxTf, this.minLength, this.minBook)
  }

  /** [length, live, maxTf, minLength]: what save() does not write (lists write them together). */
  counts (): [number, number, number, number] { return [this.length, this.live, this.maxTf, this.minLength] }

  /** Writes the used postings and their blocks. */
  save (w: SnapshotWriter): void {
    w.array(this.entries.subarray(this.start, this.start + this.length * 2))
    w.array(this.length === 0 ? this.blocks.subarray(0, 0) : this.blockBounds().subarray(0, Math.ceil(this.length / BLOCK) * 3))
  }

  /**
   * A list as save() wrote it, with its counts. Its arrays are exactly full, so the next push
   * grows them (an empty list starts afresh).
   */
  static restore (r: SnapshotReader, [length, live, maxTf, minLength]: Int32Array): PostingList {
    const entries = r.int32()
    const blocks = r.int32()
    if (entries.length !== length * 2 || blocks.length !== Math.ceil(length / BLOCK) * 3 || live > length) throw new SnapshotLayoutError('posting list does not fit its counts')
    if (length === 0) return new PostingList()
    const list = new PostingList(undefined, entries, blocks)
    list.length = length
    list.live = live
    list.maxTf = maxTf
    list.minLength = minLength
    for (let b = 2; b < blocks.length; b += 3) list.minBook = Math.min(list.minBook, blocks[b])
    return list
  }

  slot (i: number): number { return this.entries[this.start + i * 2] }
  weightedTf (i: number): number { return this.entries[this.start + i * 2 + 1] >>> 3 }
  fields (i: number): number { return this.entries[this.start + i * 2 + 1] & 7 }

  /** The first index ≥ from whose slot is ≥ slot (galloping: callers walk slots in ascending order). */
  seek (from: number, slot: number): number {
    const entries = this.entries
    const start = this.start
    let lo = from
    let step = 1
    let hi = from
    while (hi < this.length && entries[start + hi * 2] < slot) { lo = hi + 1; hi += step; step *= 2 }
    if (hi > this.length) hi = this.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (entries[start + mid * 2] < slot) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
