import { MAX_PENDING_WRITE_BYTES } from './constants.js'
import { DiskWriteError } from './errors.js'
import type { FileHandle } from 'node:fs/promises'
import type { ByteList } from '../../content/book-id.js'

/**
 * Writes verified chunks at their offsets without making the network wait for each write, while
 * bounding how much may be waiting. A failed write (disk full, read-only) fails the download.
 */
export class ChunkWriter {
  private pendingBytes = 0
  private readonly writes = new Set<Promise<void>>()
  error?: DiskWriteError

  constructor (private readonly file: FileHandle, private readonly path: string) {}

  /** `onWritten` runs once the bytes are in the file, where a killed process cannot lose them. */
  write (data: Uint8Array | ByteList, position: number, onWritten: () => void): void {
    if (this.error != null) return
    this.pendingBytes += data.byteLength
    const write: Promise<void> = this.writeAt(data, position).then(onWritten, (err: Error) => {
      this.error ??= new DiskWriteError(`cannot write ${this.path}: ${err.message}`)
    }).finally(() => {
      this.pendingBytes -= data.byteLength
      this.writes.delete(write)
    })
    this.writes.add(write)
  }

  /** Pieces go out in one writev, as they arrived: joining them first would copy every byte once more. */
  private async writeAt (data: Uint8Array | ByteList, position: number): Promise<void> {
    const pieces = data instanceof Uint8Array ? [data] : [...data]
    let done = 0
    while (done < data.byteLength) {
      const { bytesWritten } = await this.file.writev(unwritten(pieces, done), position + done)
      if (bytesWritten === 0) throw new Error('the disk took no bytes')
      done += bytesWritten
    }
  }

  /** Waits while too much is waiting for the disk. */
  async room (): Promise<void> {
    while (this.pendingBytes > MAX_PENDING_WRITE_BYTES && this.writes.size > 0) await Promise.race(this.writes)
    if (this.error != null) throw this.error
  }

  async flush (): Promise<void> {
    await Promise.all(this.writes)
    if (this.error != null) throw this.error
  }
}

/** What is left of `pieces` past the first `skip` bytes (after a short write). */
function unwritten (pieces: Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const piece of pieces) {
    if (skip >= piece.byteLength) { skip -= piece.byteLength; continue }
    out.push(skip > 0 ? piece.subarray(skip) : piece)
    skip = 0
  }
  return out
}
