// The text index saved to a file, so a restart reads it back instead of tokenizing every listing
// again (a million listings: seconds rather than a quarter of a minute).
//
// A snapshot is only ever trusted whole and for the catalog state it was made from. It is written
// to a temporary file, fsynced, then renamed over the last one (a crash leaves the old one or the
// new one, never a mix); it ends with a CRC-32 of everything before it; it carries its format
// version and the catalog's stamp (the database's random id, its generation — a counter a trigger
// bumps on every change to a listing, whoever makes it — and the newest listing's id). Anything else
// is ignored and the index rebuilt from the catalog.
import { close, closeSync, fstatSync, fsync, fsyncSync, openSync, readSync, rename, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import { crc32 } from 'node:zlib'
import { SnapshotLayoutError, SnapshotReader, SnapshotWriter } from '../text-index/snapshot-sections.js'

const MAGIC = new TextEncoder().encode('arkshare-textidx')
/** Bumped whenever what a part saves changes: an older or newer file is then rebuilt over. */
const SNAPSHOT_FORMAT = 1
const HEAD = MAGIC.length + 8
const TRAILER = 8
/** Small pieces are gathered into writes of this size (a posting list is often a few bytes). */
const WRITE_BUFFER = 1 << 20

/** The catalog state a snapshot was made from; a snapshot of any other state is not used. */
export interface CatalogStamp {
  catalogId: string
  generation: number
  /** The highest listings.id (0 for none). */
  lastListing: number
}

/** Why a snapshot was not used (a missing file is one reason). */
export class SnapshotRefused extends Error {
  override name = 'SnapshotRefused'
}

const padTo8 = (n: number): number => (n + 7) & ~7

/**
 * Writes a snapshot of `stamp` made by `save` to `path` atomically. The bytes are written before
 * this returns its promise (callers' arrays may change right after); fsync and rename follow.
 */
export async function writeSnapshot (path: string, stamp: CatalogStamp, save: (w: SnapshotWriter) => void): Promise<void> {
  const temporary = `${path}.tmp`
  const fd = openSync(temporary, 'w', 0o600)
  let closed = false
  try {
    let crc = 0
    const buffer = new Uint8Array(WRITE_BUFFER)
    let buffered = 0
    const put = (bytes: Uint8Array): void => {
      let at = 0
      while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at)
    }
    const flush = (): void => { put(buffer.subarray(0, buffered)); buffered = 0 }
    const out = (bytes: Uint8Array): void => {
      crc = crc32(bytes, crc)
      if (buffered + bytes.byteLength > WRITE_BUFFER || bytes.byteLength > WRITE_BUFFER / 4) flush()
      if (bytes.byteLength > WRITE_BUFFER / 4) put(bytes)
      else { buffer.set(bytes, buffered); buffered += bytes.byteLength }
    }
    const meta = new TextEncoder().encode(JSON.stringify(stamp))
    const head = new Uint8Array(padTo8(HEAD + meta.byteLength))
    head.set(MAGIC)
    const view = new DataView(head.buffer)
    view.setUint32(MAGIC.length, SNAPSHOT_FORMAT, true)
    view.setUint32(MAGIC.length + 4, meta.byteLength, true)
    head.set(meta, HEAD)
    out(head)
    save(new SnapshotWriter(out))
    const trailer = new DataView(new ArrayBuffer(TRAILER))
    trailer.setUint32(0, crc, true)
    flush()
    put(new Uint8Array(trailer.buffer))
    await promisify(fsync)(fd)
    closed = true
    await promisify(close)(fd)
    await promisify(rename)(temporary, path)
    syncDirectory(dirname(path))
  } catch (err) {
    if (!closed) closeSync(fd)
    rmSync(temporary, { force: true })
    throw err
  }
}

/** Makes a rename durable: the directory entry is fsynced too. */
function syncDirectory (dir: string): void {
  const fd = openSync(dir, 'r')
  try { fsyncSync(fd) } finally { closeSync(fd) }
}

/**
 * The sections of the snapshot at `path` if it is whole, of this format and of `stamp`; else
 * throws SnapshotRefused saying why. A temporary file left by a write that never finished is removed.
 */
export function readSnapshot (path: string, stamp: CatalogStamp): SnapshotReader {
  rmSync(`${path}.tmp`, { force: true })
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = readWhole(path)
  } catch (err) {
    throw new SnapshotRefused((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no snapshot' : `unreadable: ${(err as Error).message}`)
  }
  if (bytes.byteLength < HEAD + TRAILER || !MAGIC.every((b, i) => bytes[i] === b)) throw new SnapshotRefused('not a text index snapshot')
  const view = new DataView(bytes.buffer)
  const format = view.getUint32(MAGIC.length, true)
  if (format !== SNAPSHOT_FORMAT) throw new SnapshotRefused(`format ${format}, this arkshare reads ${SNAPSHOT_FORMAT}`)
  const end = bytes.byteLength - TRAILER
  if (crc32(bytes.subarray(0, end)) !== view.getUint32(end, true)) throw new SnapshotRefused('checksum does not match (a damaged file)')
  const metaLength = view.getUint32(MAGIC.length + 4, true)
  let saved: CatalogStamp
  try {
    saved = JSON.parse(new TextDecoder().decode(bytes.subarray(HEAD, HEAD + metaLength))) as CatalogStamp
  } catch {
    throw new SnapshotRefused('unreadable header')
  }
  if (saved.catalogId !== stamp.catalogId) throw new SnapshotRefused('made from another catalog')
  if (saved.generation !== stamp.generation || saved.lastListing !== stamp.lastListing) {
    throw new SnapshotRefused(`made at generation ${saved.generation} (last listing ${saved.lastListing}), the catalog is at ${stamp.generation} (${stamp.lastListing})`)
  }
  try {
    return new SnapshotReader(bytes, padTo8(HEAD + metaLength), end)
  } catch (err) {
    if (err instanceof SnapshotLayoutError) throw new SnapshotRefused(err.message)
    throw err
  }
}

/** A file's bytes at the start of a buffer of their own (the sections are read as aligned views). */
function readWhole (path: string): Uint8Array<ArrayBuffer> {
  const fd = openSync(path, 'r')
  try {
    const bytes = new Uint8Array(fstatSync(fd).size)
    let at = 0
    while (at < bytes.byteLength) {
      const read = readSync(fd, bytes, at, bytes.byteLength - at, at)
      if (read === 0) throw new Error('the file shrank while it was read')
      at += read
    }
    return bytes
  } finally {
    closeSync(fd)
  }
}

/** Removes a snapshot that no longer matches its catalog (it never will again). */
export function removeSnapshot (path: string): void {
  rmSync(path, { force: true })
}
