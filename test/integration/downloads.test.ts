// Multi-source downloads against misbehaving and vanishing providers, upload slots and queues.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, indexAddr, removeDir, startIndex, startPeer, tempDir, waitForProviders, writeBook } from '../helpers.js'
import { startLiar } from './liar.js'
import type { ArkshareNode, IndexNode } from '../../src/node/create-node.js'
import type { DownloadProgress } from '../../src/peer/index.js'

describe('downloads from several providers', function () {
  this.timeout(90_000)
  let dir: string
  let index: IndexNode
  let nodes: Array<{ stop: () => void | Promise<void> }>

  beforeEach(async () => {
    dir = await tempDir()
    index = await startIndex()
    nodes = []
  })
  afterEach(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await index.stop()
    await removeDir(dir)
  })

  async function peer (name: string, options: Parameters<typeof startPeer>[1] = {}): Promise<ArkshareNode> {
    const node = await startPeer(index, { dataDir: join(dir, name, 'data'), downloads: join(dir, name, 'dl'), ...options })
    nodes.push(node)
    return node
  }

  async function sharedBook (name: string, size: number, seed: number): Promise<{ path: string, id: string, bytes: Buffer }> {
    const bytes = bookBytes(seed, size)
    const path = await writeBook(join(dir, 'books'), name, bytes)
    return { path, id: bookIdOf(await hashFile(path)).toString(), bytes }
  }

  it('pulls from every provider and finishes despite one that stalls mid-download', async () => {
    const book = await sharedBook('Victor Hugo - Les Misérables.txt', 4 * 1024 * 1024, 31)
    await peer('a', { share: [join(dir, 'books')] })
    await peer('b', { share: [join(dir, 'books')] })
    const staller = await startLiar(indexAddr(index), book.path, await hashFile(book.path), { mode: 'stall', stallAfter: 1 })
    nodes.push(staller)
    await waitForProviders(index, book.id, 3)
    const downloader = await peer('d')
    const result = await downloader.services.arkshare.get(book.id)
    assert.ok((await readFile(result.path)).equals(book.bytes))
    assert.ok(result.providersUsed.length >= 2, `used ${result.providersUsed.length} providers`)
    assert.ok(result.providersUsed.includes(staller.peerId.toString()), 'the staller was asked')
  })

  it('finishes from the others when a provider goes away mid-download', async () => {
    const book = await sharedBook('Leo Tolstoy - Anna Karenina.txt', 3 * 1024 * 1024, 32)
    await peer('a', { share: [join(dir, 'books')], maxUploadBytesPerSecond: 1024 * 1024 })
    const leaving = await peer('b', { share: [join(dir, 'books')], maxUploadBytesPerSecond: 1024 * 1024 })
    await waitForProviders(index, book.id, 2)
    const downloader = await peer('d')
    let stopped: Promise<void> | undefined
    const result = await downloader.services.arkshare.get(book.id, {
      onProgress: (p) => {
        if (stopped == null && p.bytesDone > 512 * 1024 && p.activeProviders >= 2) stopped = Promise.resolve(leaving.stop())
      }
    })
    await stopped
    assert.ok(stopped != null, 'the provider left mid-download')
    assert.ok((await readFile(result.path)).equals(book.bytes))
  })

  it('queues a second downloader behind a provider\'s only upload slot and tells it its place', async () => {
    const book = await sharedBook('Dante - Inferno.txt', 2 * 1024 * 1024, 33)
    await peer('p', { share: [join(dir, 'books')], uploadSlots: 1, maxUploadBytesPerSecond: 2 * 1024 * 1024 })
    await waitForProviders(index, book.id, 1)
    const d1 = await peer('d1')
    const d2 = await peer('d2')
    const seen: DownloadProgress[] = []
    const first = d1.services.arkshare.get(book.id)
    await new Promise(resolve => setTimeout(resolve, 300))
    const second = d2.services.arkshare.get(book.id, { onProgress: (p) => { seen.push(p) } })
    const [r1, r2] = await Promise.all([first, second])
    assert.ok((await readFile(r1.path)).equals(book.bytes))
    assert.ok((await readFile(r2.path)).equals(book.bytes))
    const queued = seen.find(p => p.queued.length > 0)
    assert.ok(queued != null, 'the second downloader heard it was queued')
    assert.equal(queued.queued[0].position, 1)
  })

  it('withdraws a peer\'s books at once when it stops cleanly', async () => {
    const book = await sharedBook('Homer - The Iliad.txt', 10_000, 34)
    const p = await peer('p', { share: [join(dir, 'books')] })
    await waitForProviders(index, book.id, 1)
    const indexEntry = await p.peerStore.get(index.peerId)
    assert.ok(indexEntry.tags.has('arkshare-index'), 'the index connection is tagged so it is not pruned')
    await p.stop()
    nodes.splice(nodes.indexOf(p), 1)
    assert.equal(index.services.index.search('iliad').hits.length, 0)
  })
  it('stops cleanly even while its first registration is still in flight', async () => {
    await writeBook(join(dir, 'books'), 'Ovid - Metamorphoses.txt', bookBytes(35, 5000))
    const p = await startPeer(index, { share: [join(dir, 'books')], dataDir: join(dir, 'fresh') })
    await p.stop()
    // whatever the race, nothing of it stays listed
    await new Promise(resolve => setTimeout(resolve, 300))
    assert.equal(index.services.index.search('metamorphoses').hits.length, 0)
  })
})
