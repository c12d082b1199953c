// The download manager's list and states over a runner the test drives: each run waits until the
// test finishes or fails it, or until the manager stops it.
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultLogger } from '@libp2p/logger'
import { bookIdOf } from '../../../../src/content/book-id.js'
import { DownloadManager } from '../../../../src/peer/download-manager/download-manager.js'
import { DownloadListError, DownloadStateError } from '../../../../src/peer/errors.js'
import { folderAndNodesPerTest } from '../../../helpers.js'
import type { DownloadRunner, RunOptions } from '../../../../src/peer/download-manager/download-runner.js'
import type { DownloadResult } from '../../../../src/peer/index.js'

const id = (n: number): string => bookIdOf({ size: n, chunkSize: 262144, chunkHashes: new Uint8Array(32) }).toString()
const log = defaultLogger().forComponent('test')

interface Run { options: RunOptions, finish: () => void, fail: (err: Error) => void }

/** A runner whose runs end when the test says (or when aborted, with the abort's reason). */
function stubRunner (): { runner: DownloadRunner, runs: Run[], active: () => string[] } {
  const runs: Run[] = []
  const live = new Set<Run>()
  const runner = {
    run: async (options: RunOptions): Promise<DownloadResult> => await new Promise((resolve, reject) => {
      const run: Run = {
        options,
        finish: () => { live.delete(run); resolve({ id: options.ref.id, path: join(options.outDir, 'book'), bytes: 1, manifest: undefined as any, resumedBytes: 0, bytesFetched: 1, providersUsed: [], providers: [], providersFailed: [] }) },
        fail: (err) => { live.delete(run); reject(err) }
      }
      if (options.signal.aborted) { reject(options.signal.reason); return }
      options.signal.addEventListener('abort', () => { run.fail(options.signal.reason) })
      runs.push(run)
      live.add(run)
    })
  } as unknown as DownloadRunner
  return { runner, runs, active: () => [...live].map(r => r.options.ref.id) }
}

const tick = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

describe('download manager', () => {
  const scope = folderAndNodesPerTest()

  async function manager (runner: DownloadRunner, options: { maxActiveDownloads?: number, listed?: boolean } = {}): Promise<DownloadManager> {
    const m = new DownloadManager({ downloads: '/books', log, maxActiveDownloads: options.maxActiveDownloads ?? 2, listPath: options.listed === true ? join(scope.dir, 'downloads.json') : undefined }, runner)
    await m.start()
    scope.stops.push(m)
    return m
  }

  it('runs at most the cap at once, the rest queued in the order added', async () => {
    const { runner, runs, active } = stubRunner()
    const m = await manager(runner)
    for (let n = 1; n <= 4; n++) m.add(id(n))
    await tick()
    assert.deepEqual(m.list().map(d => d.state), ['active', 'active', 'queued', 'queued'])
    assert.deepEqual(active(), [id(1), id(2)])
    runs[0].finish()
    await tick()
    assert.deepEqual(m.list().map(d => d.state), ['done', 'active', 'active', 'queued'])
    assert.equal(m.info(id(1)).path, '/books/book')
  })

  it('returns the listed download when the same book is added again', async () => {
    const { runner, runs } = stubRunner()
    const m = await manager(runner)
    const first = m.add(id(1))
    await tick()
    const again = m.add(id(1), { outDir: '/elsewhere' })
    assert.equal(again.addedAt, first.addedAt)
    assert.equal(again.outDir, '/books')
    assert.equal(m.list().length, 1)
    assert.equal(runs.length, 1)
  })

  it('takes the hints of a link given after the bare ID, for the next run', async () => {
    const { runner, runs } = stubRunner()
    const m = await manager(runner)
    m.add(id(1))
    await tick()
    runs[0].fail(new Error('no provider is online'))
    await tick()
    const peer = '12D3KooWGRUVh1n9yG8sWzD8yK5QuyVcEp9Bi8ooZsdvjy5RuHVK'
    const info = m.add(`arkshare:${id(1)}?title=One&peer=/ip4/192.0.2.1/tcp/1/p2p/${peer}`, { restart: true })
    assert.deepEqual([info.state, info.title, info.hints], ['active', 'One', 1])
    await tick()
    assert.deepEqual(runs[1].options.ref.hints, [{ peerId: peer, multiaddrs: ['/ip4/192.0.2.1/tcp/1'] }])
  })

  it('pauses, resumes, cancels, retries and clears, refusing what a state does not allow', async () => {
    const { runner, runs, active } = stubRunner()
    const m = await manager(runner, { maxActiveDownloads: 1 })
    m.add(id(1))
    m.add(id(2))
    await tick()
    assert.equal(m.pause(id(1)).state, 'paused')
    await tick()
    // its place went to the next one
    assert.deepEqual(active(), [id(2)])
    assert.equal(m.resume(id(1)).state, 'queued')
    assert.equal(m.cancel(id(2)).state, 'cancelled')
    await tick()
    assert.deepEqual(active(), [id(1)])
    assert.equal(runs.at(-1)?.options.ref.id, id(1))
    assert.throws(() => m.resume(id(2)), DownloadStateError)
    assert.throws(() => m.pause(id(2)), DownloadStateError)
    runs.at(-1)?.fail(new Error('all 1 provider(s) failed'))
    await tick()
    assert.deepEqual(m.info(id(1)).state, 'failed')
    assert.equal(m.info(id(1)).error, 'all 1 provider(s) failed')
    assert.throws(() => m.retry(id(3)), /no download of/)
    assert.equal(m.retry(id(2)).state, 'active')
    assert.equal(m.clear(), 1, 'the failed one')
    assert.deepEqual(m.list().map(d => d.id), [id(2)])
  })

  it('puts the newest active downloads back in the queue when the cap is lowered', async () => {
    const { runner, active } = stubRunner()
    const m = await manager(runner, { maxActiveDownloads: 3 })
    for (let n = 1; n <= 3; n++) m.add(id(n))
    await tick()
    m.setMaxActiveDownloads(1)
    await tick()
    assert.deepEqual(m.list().map(d => d.state), ['active', 'queued', 'queued'])
    assert.deepEqual(active(), [id(1)])
    m.setMaxActiveDownloads(2)
    await tick()
    assert.deepEqual(active(), [id(1), id(2)])
  })

  it('tells get() callers how a download ended', async () => {
    const { runner, runs } = stubRunner()
    const m = await manager(runner)
    const first = m.ensure({ cid: undefined as any, id: id(1), hints: [] })
    assert.equal(first.started, true)
    const joined = m.ensure({ cid: undefined as any, id: id(1), hints: [] })
    assert.equal(joined.started, false, 'a running download is joined, not started twice')
    const done = m.wait(id(1))
    await tick()
    runs[0].finish()
    assert.equal((await done).id, id(1))
    // a finished one starts again
    assert.equal(m.ensure({ cid: undefined as any, id: id(1), hints: [] }).started, true)
    const paused = m.wait(id(1))
    m.pause(id(1))
    await assert.rejects(paused, /paused/)
    // asked for another folder: a paused (or finished) one starts afresh there, a running one refuses
    assert.equal(m.ensure({ cid: undefined as any, id: id(1), hints: [] }, { outDir: '/other' }).started, true)
    assert.equal(m.info(id(1)).outDir, '/other')
    m.ensure({ cid: undefined as any, id: id(2), hints: [] })
    assert.throws(() => m.ensure({ cid: undefined as any, id: id(2), hints: [] }, { outDir: '/other' }), /already being downloaded into \/books/)
  })

  it('keeps the unfinished downloads across a restart: running ones queued again, paused ones paused', async () => {
    const first = stubRunner()
    const m = await manager(first.runner, { listed: true, maxActiveDownloads: 1 })
    m.add(id(1))
    m.add(id(2))
    m.add(id(3))
    m.pause(id(3))
    await tick()
    first.runs[0].options.onProgress?.({ id: id(1), fileName: 'one.epub', totalBytes: 10, bytesDone: 4 } as any)
    await m.stop()

    const second = stubRunner()
    const again = await manager(second.runner, { listed: true, maxActiveDownloads: 1 })
    await tick()
    assert.deepEqual(again.list().map(d => [d.state, d.fileName, d.bytesDone]), [['active', 'one.epub', 4], ['queued', '', 0], ['paused', '', 0]])
    // the resumed run opens the part file its first run chose
    assert.equal(second.runs[0].options.fileName, 'one.epub')
  })

  it('refuses to start with a damaged list, and leaves it as it was', async () => {
    const path = join(scope.dir, 'downloads.json')
    await writeFile(path, '{"version":1,"downloads":[{"id":')
    const m = new DownloadManager({ downloads: '/books', log, listPath: path }, stubRunner().runner)
    await assert.rejects(m.start(), DownloadListError)
    // libp2p stops a node whose start failed: stopping must not save over the list either
    await m.stop()
    assert.equal(await readFile(path, 'utf8'), '{"version":1,"downloads":[{"id":')
  })

  it('tells listeners of every change', async () => {
    const { runner, runs } = stubRunner()
    const m = await manager(runner)
    const seen: string[] = []
    m.addEventListener('download:change', (evt) => { seen.push(evt.detail.state) })
    m.addEventListener('download:done', () => { seen.push('done event') })
    m.addEventListener('download:removed', () => { seen.push('removed event') })
    m.add(id(1))
    await tick()
    runs[0].finish()
    await tick()
    m.clear()
    assert.deepEqual(seen, ['queued', 'active', 'done', 'done event', 'removed event'])
  })
})
