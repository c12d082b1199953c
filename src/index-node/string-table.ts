// Strings numbered 0, 1, 2... in the order first seen, found by an open-addressing hash table over
// their characters. The text index interns every word of a million listings at start: a JS Map
// needs a new string per word just to look it up, while this table can hash a word where it stands
// in a title (internWord) and only makes a string for a word it has never seen. A table read back
// from a snapshot keeps the strings it had as one string (a million book IDs are then one object,
// not a million: quicker to read back, and less for the garbage collector to trace).
import { SnapshotLayoutError, type SnapshotReader, type SnapshotWriter } from './text-index/snapshot-sections.js'

const EMPTY = 0

export class StringTable {
  /** The strings read back from a snapshot, back to back, and where each starts (ids below `restored`). */
  private joined = ''
  private starts: Uint32Array = new Uint32Array(1)
  private restored = 0
  /** The strings numbered since (id restored + i). */
  private names: string[] = []
  private hashes = new Int32Array(1024)
  /** Slots hold id + 1 (0 = empty); the size is a power of two, kept under half full. */
  private table = new Int32Array(2048)

  get size (): number { return this.restored + this.names.length }

  /** Writes the strings and the hash table as they are (see text-index/snapshot-sections.ts). */
  save (w: SnapshotWriter): void {
    const lengths = new Uint32Array(this.size)
    for (let id = 0; id < this.restored; id++) lengths[id] = this.starts[id + 1] - this.starts[id]
    for (const [i, name] of this.names.entries()) lengths[this.restored + i] = name.length
    w.strings(lengths, this.joined + this.names.join(''))
    w.array(this.hashes)
    w.array(this.table)
  }

  /** A table as save() wrote it: its strings keep their numbers, and nothing is hashed again. */
  static restore (r: SnapshotReader): StringTable {
    const restored = new StringTable()
    const { joined, starts } = r.strings()
    restored.joined = joined
    restored.starts = starts
    restored.restored = starts.length - 1
    restored.hashes = r.int32()
    restored.table = r.int32()
    const size = restored.table.length
    if (restored.hashes.length < restored.size || restored.hashes.length === 0 || size < restored.size * 2 || (size & (size - 1)) !== 0) {
      throw new SnapshotLayoutError('string table does not fit its strings')
    }
    return restored
  }

  nameOf (id: number): string {
    return id < this.restored ? this.joined.slice(this.starts[id], this.starts[id + 1]) : this.names[id - this.restored]
  }

  /** The id of `text`, or -1. */
  idOf (text: string): number {
    return this.find(text, 0, text.length, hashOf(text, 0, text.length, false), false)
  }

  /** The id of `text`, numbering it if new. */
  intern (text: string): number {
    const hash = hashOf(text, 0, text.length, false)
    const id = this.find(text, 0, text.length, hash, false)
    return id !== -1 ? id : this.insert(text, hash)
  }

  /**
   * The id of the ASCII word text[start, end) lower-cased, numbering it if new: the caller found
   * the word's bounds, no substring is made unless the word is new.
   */
  internWord (text: string, start: number, end: number): number {
    const hash = hashOf(text, start, end, true)
    const id = this.find(text, start, end, hash, true)
    return id !== -1 ? id : this.insert(text.slice(start, end).toLowerCase(), hash)
  }

  private find (text: string, start: number, end: number, hash: number, lower: boolean): number {
    const mask = this.table.length - 1
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = this.table[at]
      if (entry === EMPTY) return -1
      const id = entry - 1
      if (this.hashes[id] === hash && this.equals(id, text, start, end, lower)) return id
    }
  }

  /** Whether string `id` is text[start, end) (ASCII letters lower-cased when asked). */
  private equals (id: number, text: string, start: number, end: number, lower: boolean): boolean {
    if (id >= this.restored) {
      const name = this.names[id - this.restored]
      return name.length === end - start && equals(name, 0, text, start, end, lower)
    }
    const from = this.starts[id]
    return this.starts[id + 1] - from === end - start && equals(this.joined, from, text, start, end, lower)
  }

  private insert (name: string, hash: number): number {
    const id = this.size
    this.names.push(name)
    if (id === this.hashes.length) {
      const hashes = new Int32Array(id * 2)
      hashes.set(this.hashes)
      this.hashes = hashes
    }
    this.hashes[id] = hash
    if (this.size * 2 > this.table.length) this.rehash(this.table.length * 2)
    else this.place(id)
    return id
  }

  private place (id: number): void {
    const mask = this.table.length - 1
    let at = this.hashes[id] & mask
    while (this.table[at] !== EMPTY) at = (at + 1) & mask
    this.table[at] = id + 1
  }

  private rehash (size: number): void {
    this.table = new Int32Array(size)
    for (let id = 0; id < this.size; id++) this.place(id)
  }
}

/** FNV-1a over the UTF-16 code units of text[start, end), ASCII letters lower-cased when asked. */
function hashOf (text: string, start: number, end: number, lower: boolean): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i)
    if (lower && c >= 65 && c <= 90) c |= 0x20
    h = Math.imul(h ^ c, 0x01000193)
  }
  // as an Int32, like every hash the table keeps: the empty string's (the seed itself) was not, so it
  // was never found and every listing without a language added another "" (65,536 of them and a
  // rehash of 2.3 s at 100,000 books)
  return h | 0
}

/** Whether `name` from `from` holds text[start, end) (the caller compared their lengths). */
function equals (name: string, from: number, text: string, start: number, end: number, lower: boolean): boolean {
  for (let i = 0; i < end - start; i++) {
    let c = text.charCodeAt(start + i)
    if (lower && c >= 65 && c <= 90) c |= 0x20
    if (name.charCodeAt(from + i) !== c) return false
  }
  return true
}
