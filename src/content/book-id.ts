// Book identity: a CID over the book's manifest (size, chunk size, SHA-256 of every chunk).
// Whoever holds the ID can check a manifest received from an untrusted peer, then check every
// chunk against it before writing a byte (the "hashed manifest" scheme of eMule/BitTorrent v1).
import { createHash } from 'node:crypto'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { varint } from 'multiformats'

/** Fixed in v1 of the wire so identical files always get one ID. */
export const CHUNK_SIZE = 256 * 1024
/** Multicodec code (private-use range) meaning "the CID hashes an arkshare v1 manifest". */
const MANIFEST_CODEC = 0x3a5b01
export const HASH_LENGTH = 32
/** 131,072 chunks = 32 GiB books; keeps a manifest reply under 4.1 MiB. */
export const MAX_CHUNKS = 131_072

export interface Manifest {
  size: number
  chunkSize: number
  /** SHA-256 of each chunk, concatenated (32 bytes per chunk). */
  chunkHashes: Uint8Array
}

export class InvalidBookIdError extends Error {
  override name = 'InvalidBookIdError'
}

export class ManifestMismatchError extends Error {
  override name = 'ManifestMismatchError'
}

export function chunkCount (size: number, chunkSize = CHUNK_SIZE): number {
  return Math.ceil(size / chunkSize)
}

/** Byte length of chunk `index` of a book of `size` bytes. */
export function chunkLength (manifest: Pick<Manifest, 'size' | 'chunkSize'>, index: number): number {
  const start = index * manifest.chunkSize
  return Math.max(0, Math.min(manifest.chunkSize, manifest.size - start))
}

/** The canonical bytes a book ID hashes: uvarint(chunkSize) ‖ uvarint(size) ‖ chunk hashes. */
function manifestBytes (manifest: Manifest): Uint8Array {
  const head = [...varint.encodeTo(manifest.chunkSize, new Uint8Array(10)).subarray(0, varint.encodingLength(manifest.chunkSize)),
    ...varint.encodeTo(manifest.size, new Uint8Array(10)).subarray(0, varint.encodingLength(manifest.size))]
  const out = new Uint8Array(head.length + manifest.chunkHashes.byteLength)
  out.set(head, 0)
  out.set(manifest.chunkHashes, head.length)
  return out
}

export function bookIdOf (manifest: Manifest): CID {
  const digest = createHash('sha256').update(manifestBytes(manifest)).digest()
  return CID.createV1(MANIFEST_CODEC, Digest.create(sha256.code, new Uint8Array(digest)))
}

/** What every book ID's bytes begin with: CIDv1, the manifest codec, a SHA-256 multihash's code and length. */
const BOOK_ID_HEAD = CID.createV1(MANIFEST_CODEC, Digest.create(sha256.code, new Uint8Array(HASH_LENGTH))).bytes.slice(0, -HASH_LENGTH)
const BOOK_ID_BYTES = BOOK_ID_HEAD.byteLength + HASH_LENGTH
/** RFC 4648 base32 in lower case, as multibase's 'b' writes it; and each character's 5 bits (-1: not base32). */
const BASE32_CODES = Uint8Array.from('abcdefghijklmnopqrstuvwxyz234567', c => c.charCodeAt(0))
const BASE32_BITS = new Int8Array(128).fill(-1)
for (const [bits, code] of BASE32_CODES.entries()) BASE32_BITS[code] = bits
/** The text of one ID is written here, then read as one string. */
const textBuffer = Buffer.alloc(1 + Math.ceil(BOOK_ID_BYTES * 8 / 5))

/**
 * A book ID's bytes (of the canonical shape) in text: multibase 'b' and unpadded base32, as
 * CID.toString() writes it, but as one flat string written at once. CID.toString() builds the text
 * a character at a time: a rope of ~1.4 KiB per ID, kept alive with it (140 MiB for a shelf of
 * 100,000 books), and most of what an index allocated while registering them.
 */
function base32Text (bytes: Uint8Array): string {
  textBuffer[0] = 0x62 // 'b'
  let at = 1
  let buffer = 0
  let bits = 0
  for (let i = 0; i < bytes.byteLength; i++) {
    buffer = (buffer << 8 | bytes[i]) & 0xfff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      textBuffer[at++] = BASE32_CODES[(buffer >> bits) & 31]
    }
  }
  if (bits > 0) textBuffer[at++] = BASE32_CODES[(buffer << (5 - bits)) & 31]
  return textBuffer.toString('latin1', 0, at)
}

/** Whether `bytes` have the shape of every book ID (head and length), so base32Text gives its text. */
function canonicalBookId (bytes: Uint8Array): boolean {
  if (bytes.byteLength !== BOOK_ID_BYTES) return false
  for (let i = 0; i < BOOK_ID_HEAD.byteLength; i++) if (bytes[i] !== BOOK_ID_HEAD[i]) return false
  return true
}

/** The book ID's text form, as one flat string (see base32Text). */
export function bookIdText (manifest: Manifest): string {
  return base32Text(bookIdOf(manifest).bytes)
}

/**
 * A book ID received as bytes, in text: what parseBookId(bytes).toString() gives, without building
 * a CID for an ID of the canonical shape; anything else goes through parseBookId, which accepts it
 * or throws InvalidBookIdError saying what is wrong.
 */
export function bookIdTextOf (bytes: Uint8Array): string {
  return canonicalBookId(bytes) ? base32Text(bytes) : parseBookId(bytes).toString()
}

/**
 * A book ID held as text (canonical base32, as an index or a shelf keeps them) to its bytes, without
 * building a CID: a loop over the characters (the generic multibase decoder cost an index's search
 * reply as much as its strings did). Text it does not read as plain base32 goes to multibase's
 * decoder or parseBookId, which say what is wrong.
 */
export function bookIdBytesOf (id: string): Uint8Array<ArrayBuffer> {
  if (!id.startsWith('b')) return parseBookId(id).bytes as Uint8Array<ArrayBuffer>
  const bytes = new Uint8Array(bookIdByteLength(id))
  if (writeBookIdBytes(id, bytes, 0) === -1) return base32.decode(id) as Uint8Array<ArrayBuffer>
  return bytes
}

/** How many bytes writeBookIdBytes writes for `id`. */
export const bookIdByteLength = (id: string): number => Math.floor((id.length - 1) * 5 / 8)

/**
 * Writes the bytes of a book ID held as plain base32 text ('b' and RFC 4648, as bookIdBytesOf reads
 * it) into `into` at `at` (bookIdByteLength(id) of room): where they end, or -1 when the text is not
 * plain base32 (bookIdBytesOf then says what it is). A search reply writes its IDs this way, in place.
 */
export function writeBookIdBytes (id: string, into: Uint8Array, at: number): number {
  if (id.charCodeAt(0) !== 0x62) return -1
  let bits = 0
  let buffer = 0
  for (let i = 1; i < id.length; i++) {
    const c = id.charCodeAt(i)
    const value = c < 128 ? BASE32_BITS[c] : -1
    if (value === -1) return -1
    buffer = (buffer << 5 | value) & 0xfff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      into[at++] = buffer >> bits
    }
  }
  // leftover bits must be zero padding, as the multibase decoder requires
  return bits >= 5 || (buffer & ((1 << bits) - 1)) !== 0 ? -1 : at
}

/** Parses a book ID typed by a user or received on the wire; throws InvalidBookIdError. */
export function parseBookId (input: string | Uint8Array): CID {
  let cid: CID
  try {
    cid = typeof input === 'string' ? CID.parse(input.trim()) : CID.decode(input)
  } catch (err) {
    throw new InvalidBookIdError(`not a book ID: ${typeof input === 'string' ? JSON.stringify(input) : `${input.byteLength} bytes`} (${(err as Error).message})`)
  }
  if (cid.version !== 1 || cid.code !== MANIFEST_CODEC || cid.multihash.code !== sha256.code) {
    throw new InvalidBookIdError(`not an arkshare book ID: ${cid.toString()}`)
  }
  return cid
}

/** Checks structure and that the manifest hashes to `id`; throws ManifestMismatchError. */
export function verifyManifest (id: CID, manifest: Manifest): void {
  if (manifest.chunkSize !== CHUNK_SIZE) {
    throw new ManifestMismatchError(`unsupported chunk size ${manifest.chunkSize}`)
  }
  const chunks = chunkCount(manifest.size, manifest.chunkSize)
  if (!Number.isSafeInteger(manifest.size) || manifest.size < 0 || chunks > MAX_CHUNKS) {
    throw new ManifestMismatchError(`book size ${manifest.size} out of range`)
  }
  if (manifest.chunkHashes.byteLength !== chunks * HASH_LENGTH) {
    throw new ManifestMismatchError(`manifest has ${manifest.chunkHashes.byteLength} hash bytes, expected ${chunks * HASH_LENGTH}`)
  }
  if (!bookIdOf(manifest).equals(id)) {
    throw new ManifestMismatchError('manifest does not hash to the book ID')
  }
}

function expectedChunkHash (manifest: Manifest, index: number): Uint8Array {
  return manifest.chunkHashes.subarray(index * HASH_LENGTH, (index + 1) * HASH_LENGTH)
}

/** Bytes held as pieces (a Uint8ArrayList is one), hashed and written without joining them first. */
export interface ByteList extends Iterable<Uint8Array> { readonly byteLength: number }

function sha256Bytes (data: Uint8Array | ByteList): Uint8Array {
  const hash = createHash('sha256')
  if (data instanceof Uint8Array) return hash.update(data).digest()
  for (const piece of data) hash.update(piece)
  return hash.digest()
}

/** True when `data` is exactly chunk `index` of the book the manifest describes. */
export function chunkMatches (manifest: Manifest, index: number, data: Uint8Array | ByteList): boolean {
  if (!fitsChunk(manifest, index, data.byteLength)) return false
  return Buffer.from(sha256Bytes(data)).equals(expectedChunkHash(manifest, index))
}

function fitsChunk (manifest: Manifest, index: number, bytes: number): boolean {
  return index >= 0 && index < chunkCount(manifest.size, manifest.chunkSize) && bytes === chunkLength(manifest, index)
}
