// A word's posting list: the listings holding it, with what bounds their scores per block.
import { BLOCK, MAX_TF } from './constants.js'
import { grow } from './grow.js'
import { SnapshotLayoutError, type SnapshotReader, type SnapshotWriter } from './snapshot-sections.js'

/**
 * A word's postings: the slots holding it, ascending, each with its weighted frequency and the
 * fields it appears in, packed into one array (slot, frequency << 3 | fields) so a list costs one
 * allocation per growth. Per block of BLOCK postings it also keeps what bounds their scores (the
 * highest frequency, the shortest listing) and the lowest book number, so a search can pass over
 * blocks that cannot reach its page without reading their listings.
 */
export class PostingList {
  length = 0
  /** Postings whose slot is still alive (bm25's document frequency). */
  live = 0
  /** The same as `blocks` over the whole list. */
  maxTf = 0
  minLength = 0x7fffffff

  /**
   * `blocks`: [highest weighted frequency, fewest words, lowest book] per block; removals leave it
   * an upper bound. (Arrays given by restore() only: a restored list allocates nothing more.)
   */
  constructor (public entries = new Int32Array(8), public blocks = new Int32Array(3)) {}

  /** Room for `postings` postings (when the final size is known: no growth while pushing). */
  reserve (postings: number): void {
    if (postings * 2 > this.entries.length) this.entries = grow(this.entries, postings * 2)
    const blocks = Math.ceil(postings / BLOCK) * 3
    if (blocks > this.blocks.length) this.blocks = grow(this.blocks, blocks)
  }

  push (slot: number, weightedTf: number, fields: number, length: number, book: number): void {
    if (this.length * 2 === this.entries.length) this.reserve(this.length * 2)
    const tf = Math.min(weightedTf, MAX_TF)
    this.entries[this.length * 2] = slot
    this.entries[this.length * 2 + 1] = tf << 3 | fields
    const b = Math.floor(this.length / BLOCK) * 3
    if (this.length % BLOCK === 0) {
      this.blocks[b] = tf; this.blocks[b + 1] = length; this.blocks[b + 2] = book
    } else {
      if (tf > this.blocks[b]) this.blocks[b] = tf
      if (length < this.blocks[b + 1]) this.blocks[b + 1] = length
      if (book < this.blocks[b + 2]) this.blocks[b + 2] = book
    }
    if (tf > this.maxTf) this.maxTf = tf
    if (length < this.minLength) this.minLength = length
    this.length++
    this.live++
  }

  /** [length, live, maxTf, minLength]: what save() does not write (lists write them together). */
  counts (): [number, number, number, number] { return [this.length, this.live, this.maxTf, this.minLength] }

  /** Writes the used postings and their blocks. */
  save (w: SnapshotWriter): void {
    w.array(this.entries.subarray(0, this.length * 2))
    w.array(this.blocks.subarray(0, Math.ceil(this.length / BLOCK) * 3))
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
    const list = new PostingList(entries, blocks)
    list.length = length
    list.live = live
    list.maxTf = maxTf
    list.minLength = minLength
    return list
  }

  slot (i: number): number { return this.entries[i * 2] }
  weightedTf (i: number): number { return this.entries[i * 2 + 1] >>> 3 }
  fields (i: number): number { return this.entries[i * 2 + 1] & 7 }

  /** The first index ≥ from whose slot is ≥ slot (galloping: callers walk slots in ascending order). */
  seek (from: number, slot: number): number {
    const entries = this.entries
    let lo = from
    let step = 1
    let hi = from
    while (hi < this.length && entries[hi * 2] < slot) { lo = hi + 1; hi += step; step *= 2 }
    if (hi > this.length) hi = this.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (entries[mid * 2] < slot) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
