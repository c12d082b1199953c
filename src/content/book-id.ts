// Book identity: a CID over the book's manifest (size, chunk size, SHA-256 of every chunk).
// Whoever holds the ID can check a manifest received from an untrusted peer, then check every
// chunk against it before writing a byte (the "hashed manifest" scheme of eMule/BitTorrent v1).
import { createHash } from 'node:crypto'
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

/**
 * The book ID's text form as one flat string: CID.toString() builds it a character at a time, a
 * rope that keeps ~1.4 KiB alive per ID (140 MiB for a shelf of 100,000 books).
 */
export function bookIdText (manifest: Manifest): string {
  return Buffer.from(bookIdOf(manifest).toString(), 'latin1').toString('latin1')
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
