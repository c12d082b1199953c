// The download flow `get` and the shell share, over a stub of the peer service: progress while the
// book arrives, then one done event; a failed download still flushes the last progress.
import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { downloadWithProgress } from '../../../src/cli/download-flow.js'
import { createOutput } from '../../../src/cli/output.js'
import type { Arkshare, DownloadProgress, DownloadResult, GetOptions } from '../../../src/peer/index.js'

function capture (): { stream: NodeJS.WritableStream, lines: () => string[] } {
  let text = ''
  const stream = { write: (chunk: string) => { text += chunk; return true } } as unknown as NodeJS.WritableStream
  return { stream, lines: () => text.split('\n').filter(l => l !== '') }
}

const progress = (bytesDone: number): DownloadProgress => ({
  id: 'b1', fileName: 'book.epub', bytesDone, totalBytes: 100, chunksDone: 0, chunksTotal: 1, resumedBytes: 0, bytesFetched: bytesDone, activeProviders: 1, queued: [], bytesPerSecond: 10, providers: [], chunkMap: { providers: [], owners: new Uint8Array(1) }
})

const result: DownloadResult = {
  id: 'b1',
  path: '/books/book.epub',
  bytes: 100,
  manifest: undefined as unknown as DownloadResult['manifest'],
  resumedBytes: 0,
  bytesFetched: 100,
  providersUsed: ['p1', 'p2'],
  providers: [{ peerId: 'p1', bytes: 60, connection: 'direct' }, { peerId: 'p2', bytes: 40, connection: 'hole-punched' }],
  providersFailed: []
}

/** A peer service whose `get` reports the given progress, then returns the result (or fails). */
function stubService (steps: number[], outcome: DownloadResult | Error): { arkshare: Arkshare, calls: Array<{ id: string, options?: GetOptions }> } {
  const calls: Array<{ id: string, options?: GetOptions }> = []
  const arkshare = {
    get: async (id: string, options?: GetOptions) => {
      calls.push({ id, options })
      for (const bytes of steps) options?.onProgress?.(progress(bytes))
      if (outcome instanceof Error) throw outcome
      return outcome
    }
  } as unknown as Arkshare
  return { arkshare, calls }
}

describe('cli download flow', () => {
  it('prints progress events, then one done event (JSON)', async () => {
    const out = capture()
    const { arkshare, calls } = stubService([10, 20, 100], result)
    assert.equal(await downloadWithProgress(arkshare, createOutput(true, out.stream, capture().stream), 'b1', { outDir: 'out' }), result)
    assert.equal(calls[0].id, 'b1')
    assert.equal(calls[0].options?.outDir, resolve('out'))
    const events = out.lines().map(l => JSON.parse(l))
    // at most 4 progress events a second: the first, the last (complete) one, then done
    assert.deepEqual(events.map(e => [e.event, e.bytes]), [['progress', 10], ['progress', 100], ['done', 100]])
    assert.deepEqual(events.at(-1), { event: 'done', id: 'b1', path: '/books/book.epub', bytes: 100, resumedBytes: 0, bytesFetched: 100, providers: result.providers })
  })

  it('leaves the folder to the service when given none, and prints a line for people', async () => {
    const out = capture()
    const { arkshare, calls } = stubService([], result)
    await downloadWithProgress(arkshare, createOutput(false, out.stream, capture().stream), 'b1')
    assert.equal(calls[0].options?.outDir, undefined)
    assert.deepEqual(out.lines(), ['Saved /books/book.epub (100 B).'])
  })

  it('a failed download flushes the last progress and prints no done event', async () => {
    const out = capture()
    const { arkshare } = stubService([10, 20], new Error('no provider is online'))
    await assert.rejects(downloadWithProgress(arkshare, createOutput(true, out.stream, capture().stream), 'b1'), /no provider is online/)
    assert.deepEqual(out.lines().map(l => JSON.parse(l)).map(e => [e.event, e.bytes]), [['progress', 10], ['progress', 20]])
  })
})
