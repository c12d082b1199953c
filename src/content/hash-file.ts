// Builds a book's manifest by reading the file once, CHUNK_SIZE bytes at a time.
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { CHUNK_SIZE, chunkCount, HASH_LENGTH, MAX_CHUNKS, type Manifest } from './book-id.js'

/** A file changed while it was being read: while hashed, or since it was hashed (a peer serving it). */
export class FileChangedError extends Error {
  override name = 'FileChangedError'
}

export async function hashFile (path: string, options: { signal?: AbortSignal } = {}): Promise<Manifest> {
  const handle = await open(path, 'r')
  try {
    const before = await handle.stat()
    const size = before.size
    const chunks = chunkCount(size)
    if (chunks > MAX_CHUNKS) throw new RangeError(`${path}: ${size} bytes is above the ${MAX_CHUNKS * CHUNK_SIZE}-byte book limit`)
    const hashes = new Uint8Array(chunks * HASH_LENGTH)
    const buffer = Buffer.allocUnsafe(Math.min(size, CHUNK_SIZE))
    for (let i = 0; i < chunks; i++) {
      options.signal?.throwIfAborted()
      const want = Math.min(CHUNK_SIZE, size - i * CHUNK_SIZE)
      let got = 0
      while (got < want) {
        const { bytesRead } = await handle.read(buffer, got, want - got, i * CHUNK_SIZE + got)
        if (bytesRead === 0) throw new FileChangedError(`${path} shrank while it was being hashed`)
        got += bytesRead
      }
      hashes.set(createHash('sha256').update(buffer.subarray(0, want)).digest(), i * HASH_LENGTH)
    }
    // a write in place keeps the size but moves the modification time
    const after = await handle.stat()
    if (after.size !== size || after.mtimeMs !== before.mtimeMs) throw new FileChangedError(`${path} changed while it was being hashed`)
    return { size, chunkSize: CHUNK_SIZE, chunkHashes: hashes }
  } finally {
    await handle.close()
  }
}

/** The manifest of a book held whole in memory. */
export function manifestOfBytes (bytes: Uint8Array): Manifest {
  const chunks = chunkCount(bytes.byteLength)
  if (chunks > MAX_CHUNKS) throw new RangeError(`${bytes.byteLength} bytes is above the ${MAX_CHUNKS * CHUNK_SIZE}-byte book limit`)
  const hashes = new Uint8Array(chunks * HASH_LENGTH)
  for (let i = 0; i < chunks; i++) {
    hashes.set(createHash('sha256').update(bytes.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE)).digest(), i * HASH_LENGTH)
  }
  return { size: bytes.byteLength, chunkSize: CHUNK_SIZE, chunkHashes: hashes }
}
