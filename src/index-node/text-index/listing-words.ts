// Each listing's words as word ids, in field order: what posting lists cannot tell (phrases, a
// prefix's words checked per listing) and what a listing's postings are made from.
import { WEIGHTS } from './bm25.js'
import { INITIAL_SIZE, INITIAL_WORD_POOL } from './constants.js'
import { grow } from './grow.js'
import { SnapshotLayoutError, type SnapshotReader, type SnapshotWriter } from './snapshot-sections.js'

/** The search walk reads these arrays directly; only this class writes them. */
export class ListingWords {
  /** Each slot's word ids in field order (title, author, file name) live in `tokens` from tokenStart. */
  tokenStart = new Uint32Array(INITIAL_SIZE)
  fieldLengths = new Uint16Array(INITIAL_SIZE * 3)
  tokens = new Int32Array(INITIAL_WORD_POOL)
  private tokenCount = 0

  /** Writes every slot's words (the used part of the pool). */
  save (w: SnapshotWriter): void {
    w.array(this.tokenStart)
    w.array(this.fieldLengths)
    w.array(this.tokens.subarray(0, this.tokenCount))
  }

  static restore (r: SnapshotReader): ListingWords {
    const words = new ListingWords()
    words.tokenStart = r.uint32()
    words.fieldLengths = r.uint16()
    words.tokens = r.int32()
    words.tokenCount = words.tokens.length
    if (words.fieldLengths.length !== words.tokenStart.length * 3) throw new SnapshotLayoutError('listing words do not fit their slots')
    return words
  }

  /** Keeps a new slot's words, per field (slots come in ascending order). */
  put (slot: number, words: number[][]): void {
    if (slot >= this.tokenStart.length) {
      const slots = Math.max(slot + 1, this.tokenStart.length * 2)
      this.tokenStart = grow(this.tokenStart, slots)
      this.fieldLengths = grow(this.fieldLengths, slots * 3)
    }
    const length = words[0].length + words[1].length + words[2].length
    if (this.tokenCount + length > this.tokens.length) this.tokens = grow(this.tokens, Math.max(this.tokens.length * 2, this.tokenCount + length))
    this.tokenStart[slot] = this.tokenCount
    for (let f = 0; f < 3; f++) {
      this.fieldLengths[slot * 3 + f] = words[f].length
      for (const term of words[f]) this.tokens[this.tokenCount++] = term
    }
  }

  /** A slot's word ids in one field (0 title, 1 author, 2 file name). */
  field (slot: number, field: number): Int32Array {
    let at = this.tokenStart[slot]
    for (let f = 0; f < field; f++) at += this.fieldLengths[slot * 3 + f]
    return this.tokens.subarray(at, at + this.fieldLengths[slot * 3 + field])
  }

  /**
   * Calls `visit` once per distinct word of a slot, with its weighted frequency and fields (a
   * listing has a dozen words or so: a scan back beats building a set, except for long ones).
   */
  forEachWord (slot: number, visit: (term: number, weighted: number, fields: number) => void): void {
    const start = this.tokenStart[slot]
    const length = this.fieldLengths[slot * 3] + this.fieldLengths[slot * 3 + 1] + this.fieldLengths[slot * 3 + 2]
    const seen = length > 32 ? new Set<number>() : undefined
    for (let i = start; i < start + length; i++) {
      const term = this.tokens[i]
      let seenBefore = false
      if (seen != null) {
        seenBefore = seen.has(term)
        seen.add(term)
      } else {
        for (let j = start; j < i && !seenBefore; j++) seenBefore = this.tokens[j] === term
      }
      if (seenBefore) continue
      let weighted = 0
      let fields = 0
      let at = start
      for (let f = 0; f < 3; f++) {
        const end = at + this.fieldLengths[slot * 3 + f]
        for (let j = Math.max(at, i); j < end; j++) {
          if (this.tokens[j] === term) { weighted += WEIGHTS[f]; fields |= 1 << f }
        }
        at = end
      }
      visit(term, weighted, fields)
    }
  }
}
