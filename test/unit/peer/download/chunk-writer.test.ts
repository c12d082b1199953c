import assert from 'node:assert/strict'
import { Uint8ArrayList } from 'uint8arraylist'
import { ChunkWriter } from '../../../../src/peer/download/chunk-writer.js'
import type { FileHandle } from 'node:fs/promises'

/** A file in memory whose writev takes at most `maxPerCall` bytes a call, as a disk under pressure may. */
function shortWritingFile (size: number, maxPerCall: number): { file: FileHandle, bytes: Uint8Array, calls: () => number } {
  const bytes = new Uint8Array(size)
  let calls = 0
  const writev = async (buffers: Uint8Array[], position: number): Promise<{ bytesWritten: number, buffers: Uint8Array[] }> => {
    calls++
    let written = 0
    for (const b of buffers) {
      const n = Math.min(b.byteLength, maxPerCall - written)
      bytes.set(b.subarray(0, n), position + written)
      written += n
      if (written === maxPerCall) break
    }
    return { bytesWritten: written, buffers }
  }
  return { file: { writev } as unknown as FileHandle, bytes, calls: () => calls }
}

describe('chunk writer', () => {
  it('writes a chunk held in pieces at its offset, going on after short writes', async () => {
    const { file, bytes, calls } = shortWritingFile(10_000, 1_500)
    const pieces = new Uint8ArrayList(new Uint8Array(1_000).fill(1), new Uint8Array(2_000).fill(2), new Uint8Array(700).fill(3))
    const writer = new ChunkWriter(file, 'memory')
    let written = false
    writer.write(pieces, 5_000, () => { written = true })
    await writer.flush()
    assert.ok(written)
    assert.ok(calls() >= 3, `${calls()} writev calls`)
    assert.deepEqual(bytes.subarray(5_000, 8_700), pieces.subarray())
    assert.ok(bytes.subarray(0, 5_000).every(b => b === 0) && bytes.subarray(8_700).every(b => b === 0))
  })
})
