// The listing digest (spec 5.2.1): one 16-byte value an index and a peer both compute from a peer's
// listing, so that a peer restarting can ask "do you still hold exactly this?" instead of sending
// 100,000 books again. Each listed book hashes to 16 bytes; the digest is their XOR, so it does not
// depend on order and follows a change to one book by XOR-ing its old hash out and its new one in.
import { hash } from 'node:crypto'
import type { BookRecord } from './records.js'

const LISTING_DIGEST_BYTES = 16

/** The hash of a 16-byte value as four unsigned 32-bit words, big-endian (how the index stores one). */
export type DigestWords = [number, number, number, number]

/** Where a book is encoded before it is hashed: one buffer, reused, rather than one per book. */
let scratch = Buffer.allocUnsafe(4096)

/**
 * One listed book's hash: the first 16 bytes of SHA-256 over its fields as sent, each text field
 * as a 4-byte big-endian length and its UTF-8 bytes, the size as 8 bytes. The book ID goes in its
 * text form (base32), which both sides hold already: no CID is decoded for 100,000 books.
 */
export function listingHash (book: BookRecord): Uint8Array {
  return new Uint8Array(sha256Of(book).subarray(0, LISTING_DIGEST_BYTES))
}

/** A listing hash as the index stores it (digestWords of listingHash), read from the SHA-256 without a copy. */
export function listingHashWords (book: BookRecord): DigestWords {
  const sha = sha256Of(book)
  return [sha.readUInt32BE(0), sha.readUInt32BE(4), sha.readUInt32BE(8), sha.readUInt32BE(12)]
}

/** SHA-256 over a book's fields as listingHash hashes them (written into `scratch`: an index hashes 100,000 in a row). */
function sha256Of (book: BookRecord): Buffer {
  const { id, title, author, format, fileName, language } = book
  // UTF-8 takes at most 3 bytes per UTF-16 code unit
  const most = 4 * 6 + 8 + 3 * (id.length + title.length + author.length + format.length + fileName.length + language.length)
  if (most > scratch.length) scratch = Buffer.allocUnsafe(most)
  let at = writeText(scratch, 0, id)
  at = writeText(scratch, at, title)
  at = writeText(scratch, at, author)
  at = writeText(scratch, at, format)
  at = scratch.writeBigUInt64BE(BigInt(book.size), at)
  at = writeText(scratch, at, fileName)
  at = writeText(scratch, at, language)
  return hash('sha256', scratch.subarray(0, at), 'buffer')
}

function writeText (into: Buffer, at: number, text: string): number {
  const bytes = into.write(text, at + 4, 'utf8')
  into.writeUInt32BE(bytes, at)
  return at + 4 + bytes
}

/** XORs `hash` into `digest` (in place): adds a book to a digest, or takes it out again. */
export function xorInto (digest: Uint8Array, hash: Uint8Array): void {
  for (let i = 0; i < LISTING_DIGEST_BYTES; i++) digest[i] ^= hash[i]
}

/** The digest of a whole listing (each book ID once); 16 zero bytes for an empty one. */
export function listingDigest (books: Iterable<BookRecord>): Uint8Array {
  const digest = new Uint8Array(LISTING_DIGEST_BYTES)
  for (const book of books) xorInto(digest, listingHash(book))
  return digest
}

export function sameDigest (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a != null && b != null && a.length === LISTING_DIGEST_BYTES && Buffer.compare(a, b) === 0
}

export function digestWords (hash: Uint8Array): DigestWords {
  const view = new DataView(hash.buffer, hash.byteOffset, LISTING_DIGEST_BYTES)
  return [view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)]
}

export function digestFromWords (words: DigestWords): Uint8Array {
  const bytes = new Uint8Array(LISTING_DIGEST_BYTES)
  const view = new DataView(bytes.buffer)
  words.forEach((word, i) => { view.setUint32(i * 4, word) })
  return bytes
}
