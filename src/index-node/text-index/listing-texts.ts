// Each listing's title, author and file name as UTF-8, back to back in one pool (a search page is
// then built from memory: reading rows back from SQLite cost more than the search itself).
import { INITIAL_SIZE, INITIAL_TEXT_POOL } from './constants.js'
import { grow } from './grow.js'
import { SnapshotLayoutError, type SnapshotReader, type SnapshotWriter } from './snapshot-sections.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class ListingTexts {
  private texts = new Uint8Array(INITIAL_TEXT_POOL)
  private textsUsed = 0
  private textStart = new Uint32Array(INITIAL_SIZE)
  private textLengths = new Uint16Array(INITIAL_SIZE * 3)

  /** Writes every slot's texts (the used part of the pool). */
  save (w: SnapshotWriter): void {
    w.array(this.texts.subarray(0, this.textsUsed))
    w.array(this.textStart)
    w.array(this.textLengths)
  }

  static restore (r: SnapshotReader): ListingTexts {
    const texts = new ListingTexts()
    texts.texts = r.uint8()
    texts.textsUsed = texts.texts.length
    texts.textStart = r.uint32()
    texts.textLengths = r.uint16()
    if (texts.textLengths.length !== texts.textStart.length * 3) throw new SnapshotLayoutError('listing texts do not fit their slots')
    return texts
  }

  /** Keeps a new slot's fields: as strings, or as the bytes of another pool's (compaction). */
  put (slot: number, fields: Array<string | Uint8Array>): void {
    if (slot >= this.textStart.length) {
      const slots = Math.max(slot + 1, this.textStart.length * 2)
      this.textStart = grow(this.textStart, slots)
      this.textLengths = grow(this.textLengths, slots * 3)
    }
    const room = fields.reduce((n, f) => n + f.length * 3, 0)
    if (this.textsUsed + room > this.texts.length) this.texts = grow(this.texts, Math.max(this.texts.length * 2, this.textsUsed + room))
    this.textStart[slot] = this.textsUsed
    for (let f = 0; f < 3; f++) {
      const field = fields[f]
      let written: number
      if (typeof field === 'string') {
        written = encoder.encodeInto(field, this.texts.subarray(this.textsUsed)).written
      } else {
        this.texts.set(field, this.textsUsed)
        written = field.length
      }
      this.textLengths[slot * 3 + f] = written
      this.textsUsed += written
    }
  }

  /** The UTF-8 bytes of a slot's field (0 title, 1 author, 2 file name). */
  bytes (slot: number, field: number): Uint8Array {
    let at = this.textStart[slot]
    for (let f = 0; f < field; f++) at += this.textLengths[slot * 3 + f]
    return this.texts.subarray(at, at + this.textLengths[slot * 3 + field])
  }

  /**
   * A slot's three fields as text: decoded at once (one call instead of three, for every result a
   * search returns) and cut where the bytes were one character each (ASCII), else one by one.
   */
  all (slot: number): [title: string, author: string, fileName: string] {
    const at = this.textStart[slot]
    const title = this.textLengths[slot * 3]
    const author = this.textLengths[slot * 3 + 1]
    const bytes = title + author + this.textLengths[slot * 3 + 2]
    const text = decoder.decode(this.texts.subarray(at, at + bytes))
    if (text.length !== bytes) return [this.text(slot, 0), this.text(slot, 1), this.text(slot, 2)]
    return [text.slice(0, title), text.slice(title, title + author), text.slice(title + author)]
  }

  /** A slot's field as text. */
  text (slot: number, field: number): string {
    return decoder.decode(this.bytes(slot, field))
  }
}
