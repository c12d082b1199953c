// The download list on real nodes: the cap on active downloads, pause and resume from the verified
// chunks on disk, cancel removing the part file, and unfinished downloads resuming after a restart.
import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, eventually, startPeer, useSwarm, waitForProviders, writeBook } from '../helpers.js'
import type { ArkshareNode } from '../../src/node/create-node.js'
import type { DownloadInfo, DownloadResult } from '../../src/peer/index.js'

describe('download manager on real nodes', function () {
  this.timeout(90_000)
  const swarm = useSwarm()

  async function sharedBooks (count: number, size: number, seed: number): Promise<Array<{ id: string, bytes: Buffer }>> {
    const books = []
    for (let i = 0; i < count; i++) {
      const bytes = bookBytes(seed + i, size)
      const path = await writeBook(join(swarm.dir, 'books'), `Author ${seed + i} - Title ${seed + i}.txt`, bytes)
      books.push({ id: bookIdOf(await hashFile(path)).toString(), bytes })
    }
    return books
  }

  /** A provider of the books at `rate` bytes a second, listed by the index. */
  async function provider (books: Array<{ id: string }>, rate: number): Promise<ArkshareNode> {
    const node = await swarm.peer('provider', { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: rate })
    for (const book of books) await waitForProviders(swarm.index, book.id, 1)
    return node
  }

  const doneWith = (node: ArkshareNode, id: string): Promise<DownloadResult> => new Promise(resolve => {
    node.services.arkshare.addEventListener('download:done', (evt) => { if (evt.detail.id === id) resolve(evt.detail) })
  })

  const parts = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [])).filter(f => f.endsWith('.arkpart') || f.endsWith('.arkstate'))

  it('runs no more than the cap at once and finishes every book in the list', async () => {
    const books = await sharedBooks(3, 1024 * 1024, 100)
    await provider(books, 2 * 1024 * 1024)
    const d = await swarm.peer('d', { maxActiveDownloads: 1 })
    let mostActive = 0
    d.services.arkshare.addEventListener('download:change', () => {
      mostActive = Math.max(mostActive, d.services.arkshare.downloads.list().filter(x => x.state === 'active').length)
    })
    const done = books.map(async b => await doneWith(d, b.id))
    for (const book of books) d.services.arkshare.downloads.add(book.id)
    assert.deepEqual(d.services.arkshare.downloads.list().map(x => x.state), ['active', 'queued', 'queued'])
    const results = await Promise.all(done)
    for (const [i, result] of results.entries()) assert.ok((await readFile(result.path)).equals(books[i].bytes))
    assert.equal(mostActive, 1)
    assert.deepEqual(d.services.arkshare.downloads.list().map(x => x.state), ['done', 'done', 'done'])
    assert.equal(d.services.arkshare.downloads.clear(), 3)
  })

  it('pauses keeping the verified chunks, resumes from them, and cancel removes the part file', async () => {
    const [book] = await sharedBooks(1, 3 * 1024 * 1024, 110)
    await provider([book], 1024 * 1024)
    const d = await swarm.peer('d')
    const downloads = d.services.arkshare.downloads
    const dl = join(swarm.dir, 'd', 'dl')
    downloads.add(book.id)
    await eventually(() => downloads.info(book.id).bytesDone >= 512 * 1024, 20_000, 'half a MiB')
    assert.equal(downloads.pause(book.id).state, 'paused')
    await eventually(async () => (await parts(dl)).length === 2, 5_000, 'the part file kept')
    const done = doneWith(d, book.id)
    assert.equal(downloads.resume(book.id).state, 'queued')
    const result = await done
    assert.ok(result.resumedBytes >= 512 * 1024, `resumed ${result.resumedBytes}`)
    assert.ok((await readFile(result.path)).equals(book.bytes))

    // a second copy, cancelled midway: nothing of it is left
    const again = join(swarm.dir, 'again')
    const second = downloads.add(book.id, { outDir: again, restart: true })
    assert.equal(second.outDir, again)
    await eventually(() => downloads.info(book.id).bytesDone > 0, 20_000, 'some bytes')
    assert.equal(downloads.cancel(book.id).state, 'cancelled')
    await eventually(async () => (await parts(again)).length === 0, 5_000, 'the part file removed')
    assert.deepEqual(await readdir(again), [])
  })

  it('resumes unfinished downloads after a restart, and keeps a paused one paused', async () => {
    const [slow, other] = await sharedBooks(2, 3 * 1024 * 1024, 120)
    await provider([slow, other], 1024 * 1024)
    const data = join(swarm.dir, 'd', 'data')
    const options = { dataDir: data, downloads: join(swarm.dir, 'd', 'dl'), maxActiveDownloads: 1 }
    const first = await startPeer(swarm.index, options)
    first.services.arkshare.downloads.add(slow.id)
    first.services.arkshare.downloads.add(other.id)
    first.services.arkshare.downloads.pause(other.id)
    await eventually(() => first.services.arkshare.downloads.info(slow.id).bytesDone >= 512 * 1024, 20_000, 'half a MiB')
    await first.stop()
    const saved = JSON.parse(await readFile(join(data, 'downloads.json'), 'utf8'))
    assert.deepEqual(saved.downloads.map((x: DownloadInfo) => [x.id, x.state]), [[slow.id, 'queued'], [other.id, 'paused']])

    const second = await startPeer(swarm.index, options)
    swarm.nodes.push(second)
    const result = await doneWith(second, slow.id)
    assert.ok(result.resumedBytes >= 512 * 1024, `resumed ${result.resumedBytes}`)
    assert.ok((await readFile(result.path)).equals(slow.bytes))
    assert.equal(second.services.arkshare.downloads.info(other.id).state, 'paused')
    // done ones are not kept for the next start
    await eventually(async () => JSON.parse(await readFile(join(data, 'downloads.json'), 'utf8')).downloads.length === 1, 5_000, 'the list saved')
  })

  it('refuses to start on a damaged download list, leaving it untouched', async () => {
    const data = join(swarm.dir, 'broken')
    await writeBook(data, 'downloads.json', '{"version": 1, "downloads": [{"id": "bafk')
    await assert.rejects(startPeer(swarm.index, { dataDir: data }), /download list .*downloads\.json is damaged: not JSON/)
    assert.equal(await readFile(join(data, 'downloads.json'), 'utf8'), '{"version": 1, "downloads": [{"id": "bafk')
    await writeFile(join(data, 'downloads.json'), '{"version": 1, "downloads": []}')
    const node = await startPeer(swarm.index, { dataDir: data })
    swarm.nodes.push(node)
  })

  it('get() joins the download already running instead of starting another', async () => {
    const [book] = await sharedBooks(1, 2 * 1024 * 1024, 130)
    await provider([book], 2 * 1024 * 1024)
    const d = await swarm.peer('d')
    let runs = 0
    let last = ''
    d.services.arkshare.addEventListener('download:change', (evt) => {
      if (evt.detail.state === 'active' && last !== 'active') runs++
      last = evt.detail.state
    })
    const [a, b] = await Promise.all([d.services.arkshare.get(book.id), d.services.arkshare.get(book.id)])
    assert.equal(a.path, b.path)
    assert.equal(runs, 1)
    assert.deepEqual((await readdir(join(swarm.dir, 'd', 'dl'))).length, 1)
  })
})
