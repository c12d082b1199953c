// A book file's manifest and metadata from one read: most books are small enough to hold whole,
// so an EPUB's metadata is parsed from the bytes just hashed rather than read from disk again
// (on a library of many small books that second open and read cost as much as the hashing).
import { open, stat } from 'node:fs/promises'
import { FileChangedError, hashFile, manifestOfBytes } from './hash-file.js'
import { readBookMetadata, type BookMetadata } from './metadata.js'
import type { Manifest } from './book-id.js'

/** Books up to this size are read whole; larger ones are hashed chunk by chunk. */
const WHOLE_FILE_BYTES = 1024 * 1024

export interface BookFile {
  manifest: Manifest
  metadata: BookMetadata
  /** The file's modification time when it was read (the manifest belongs to it). */
  mtimeMs: number
}

/**
 * Buffers for whole books, reused: a scan reads 100,000 books, and fresh buffers freed only by the
 * garbage collector pile up to hundreds of MiB first.
 */
const spareBuffers: Buffer[] = []
const MAX_SPARE_BUFFERS = 16

export async function readBookFile (path: string): Promise<BookFile> {
  const buffer = spareBuffers.pop() ?? Buffer.allocUnsafe(WHOLE_FILE_BYTES)
  try {
    return await readInto(path, buffer)
  } finally {
    if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(buffer)
  }
}

/** Reads the book into `buffer` when it fits (hashing and parsing it there), else chunk by chunk from disk. */
async function readInto (path: string, buffer: Buffer): Promise<BookFile> {
  const handle = await open(path, 'r')
  let bytes: Buffer
  let mtimeMs: number
  try {
    const before = await handle.stat()
    mtimeMs = before.mtimeMs
    if (before.size > WHOLE_FILE_BYTES) {
      await handle.close()
      // hashFile checks the file did not change while it read it, not that it is still the one seen here
      const manifest = await hashFile(path)
      const now = await stat(path)
      if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) throw new FileChangedError(`${path} changed while it was being read`)
      return { manifest, metadata: await readBookMetadata(path), mtimeMs }
    }
    bytes = buffer.subarray(0, before.size)
    let got = 0
    while (got < bytes.byteLength) {
      const { bytesRead } = await handle.read(bytes, got, bytes.byteLength - got, got)
      if (bytesRead === 0) throw new FileChangedError(`${path} shrank while it was being read`)
      got += bytesRead
    }
    // a write in place keeps the size but moves the modification time
    const after = await handle.stat()
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw new FileChangedError(`${path} changed while it was being read`)
  } finally {
    await handle.close().catch(() => {})
  }
  return { manifest: manifestOfBytes(bytes), metadata: await readBookMetadata(path, bytes), mtimeMs }
}
