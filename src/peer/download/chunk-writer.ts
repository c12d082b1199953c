import { MAX_PENDING_WRITE_BYTES } from './constants.js'
import { DiskWriteError } from './errors.js'
import type { FileHandle } from 'node:fs/promises'

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
  write (data: Uint8Array, position: number, onWritten: () => void): void {
    if (this.error != null) return
    this.pendingBytes += data.byteLength
    const write: Promise<void> = this.file.write(data, 0, data.byteLength, position).then(onWritten, (err: Error) => {
      this.error ??= new DiskWriteError(`cannot write ${this.path}: ${err.message}`)
    }).finally(() => {
      this.pendingBytes -= data.byteLength
      this.writes.delete(write)
    })
    this.writes.add(write)
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
