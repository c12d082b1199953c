// One Book of a PUT read straight from its bytes, for the index, which reads every book of a
// registration twice (checked whole, then decoded as its slice is written). Through the wire check
// and protons' generated decoder, a book cost ~30 KiB of short-lived allocations (a description
// string per field, a view per string, protons building each string from an array of character
// codes): at 100,000 books a registration's young-generation collections, which the searches
// meanwhile waited for. A book of the plain shape (fields 1-7, each with its own wire type, sizes
// under 2^49, valid UTF-8) is read here in one pass; anything else goes the generic way, which reads
// it as protobuf does or refuses it with the reason. Tests compare both ways.
import { Cursor, utf8At, WireType } from './wire-check.js'
import type { Book } from './pb/arkshare.js'

/** Field numbers of Book (protocols/arkshare.proto) and the wire type each is written with. */
const FIELD = { id: 1, title: 2, author: 3, format: 4, size: 5, fileName: 6, language: 7 } as const
const TAG = {
  id: FIELD.id << 3 | WireType.LEN,
  title: FIELD.title << 3 | WireType.LEN,
  author: FIELD.author << 3 | WireType.LEN,
  format: FIELD.format << 3 | WireType.LEN,
  size: FIELD.size << 3 | WireType.VARINT,
  fileName: FIELD.fileName << 3 | WireType.LEN,
  language: FIELD.language << 3 | WireType.LEN
}
/** A size varint of up to 7 bytes (below 2^49) is exact as a number. */
const SIZE_VARINT_BYTES = 7

/** The book in `bytes` when it has the plain shape, else undefined (read it the generic way). */
export function readPlainBook (bytes: Uint8Array): Book | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const cursor = new Cursor(bytes, 0, bytes.byteLength)
  const book: Book = { id: new Uint8Array(0), title: '', author: '', format: '', size: 0n, fileName: '', language: '' }
  while (cursor.pos < cursor.end) {
    const tag = bytes[cursor.pos++]
    if (tag === TAG.size) {
      const size = cursor.varint(SIZE_VARINT_BYTES)
      if (size < 0) return undefined
      book.size = BigInt(size)
      continue
    }
    if (tag >= 0x80 || (tag & 7) !== WireType.LEN || tag >> 3 < FIELD.id || tag >> 3 > FIELD.language) return undefined
    const length = cursor.varint(5)
    if (length < 0 || cursor.end - cursor.pos < length) return undefined
    const start = cursor.pos
    const end = cursor.pos += length
    if (tag === TAG.id) {
      book.id = bytes.subarray(start, end) as Uint8Array<ArrayBuffer>
      continue
    }
    if (!utf8At(bytes, start, end)) return undefined
    const value = text.toString('utf8', start, end)
    switch (tag) {
      case TAG.title: book.title = value; break
      case TAG.author: book.author = value; break
      case TAG.format: book.format = value; break
      case TAG.fileName: book.fileName = value; break
      case TAG.language: book.language = value; break
      default: return undefined // field 5 sent as bytes: the wire check refuses it
    }
  }
  return book
}
