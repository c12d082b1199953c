// Multi-source downloads against misbehaving and vanishing providers, upload slots and queues.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookIdOf, parseBookId } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { Download, type DownloaderComponents } from '../../src/peer/download/index.js'
import { bookBytes, eventually, indexAddr, pathsOf, startPeer, useSwarm, waitForProviders, writeBook } from '../helpers.js'
import { startLiar } from './liar.js'
import type { ArkshareNode } from '../../src/node/create-node.js'
import type { DownloadProgress } from '../../src/peer/index.js'

describe('downloads from several providers', function () {
  this.timeout(90_000)
  const swarm = useSwarm()

  async function sharedBook (name: string, size: number, seed: number): Promise<{ path: string, id: string, bytes: Buffer }> {
    const bytes = bookBytes(seed, size)
    const path = await writeBook(join(swarm.dir, 'books'), name, bytes)
    return { path, id: bookIdOf(await hashFile(path)).toString(), bytes }
  }

  it('pulls from every provider and finishes despite one that stalls mid-download', async () => {
    const book = await sharedBook('Victor Hugo - Les Misérables.txt', 4 * 1024 * 1024, 31)
    // capped: one fast provider alone would keep the downloader busy, and it would take no others in
    await swarm.peer('a', { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 2 * 1024 * 1024 })
    await swarm.peer('b', { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 2 * 1024 * 1024 })
    const staller = await startLiar(indexAddr(swarm.index), book.path, await hashFile(book.path), { mode: 'stall', stallAfter: 1 })
    swarm.nodes.push(staller)
    await waitForProviders(swarm.index, book.id, 3)
    const downloader = await swarm.peer('d')
    const result = await downloader.services.arkshare.get(book.id)
    assert.ok((await readFile(result.path)).equals(book.bytes))
    assert.ok(result.providersUsed.length >= 2, `used ${result.providersUsed.length} providers`)
    assert.ok(result.providersUsed.includes(staller.peerId.toString()), 'the staller was asked')
  })

  it('drops a provider for one bad chunk in the middle of a run, keeping only verified chunks, each written once', async () => {
    const book = await sharedBook('Herman Melville - Moby Dick.txt', 4 * 1024 * 1024, 37)
    const manifest = await hashFile(book.path)
    const honest = await swarm.peer('honest', { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 4 * 1024 * 1024 })
    // the middle of its first run of 8 chunks: the chunks before it are kept, it is not
    const liar = await startLiar(indexAddr(swarm.index), book.path, manifest, { corrupts: i => i === 5 })
    swarm.nodes.push(liar)
    await waitForProviders(swarm.index, book.id, 2)
    const downloader = await swarm.peer('d')
    const components = (downloader as any).components as DownloaderComponents & { logger: ArkshareNode['logger'] }
    const info = (node: ArkshareNode): { peerId: string, multiaddrs: string[] } => ({ peerId: node.peerId.toString(), multiaddrs: node.getMultiaddrs().map(a => a.toString()) })
    let last: DownloadProgress | undefined
    const result = await new Download(components, {
      id: parseBookId(book.id),
      providers: [info(liar), info(honest)],
      outDir: join(swarm.dir, 'd', 'dl'),
      onProgress: (p) => { last = p },
      paths: pathsOf(downloader)
    }, components.logger.forComponent('arkshare:test')).run()
    assert.ok((await readFile(result.path)).equals(book.bytes))
    const lied = last?.providers.find(e => e.peerId === liar.peerId.toString())
    assert.equal(lied?.dropped?.reason, 'bad_data')
    assert.equal(lied?.chunksRejected, 1)
    assert.ok(last?.chunkMap.owners[5] !== lied?.mapIndex, 'the bad chunk came from the honest provider')
    // every chunk used exactly once: as many writes as chunks, whoever sent them
    const used = last?.providers.reduce((n, e) => n + e.chunksUsed, 0)
    assert.equal(used, last?.chunksTotal)
  })

  it('takes in a provider that appears during a long download', async () => {
    const book = await sharedBook('Miguel de Cervantes - Don Quixote.txt', 3 * 1024 * 1024, 36)
    await swarm.peer('slow', { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 512 * 1024 })
    await waitForProviders(swarm.index, book.id, 1)
    const downloader = await swarm.peer('d', { providerRefreshMs: 300 })
    let late: Promise<ArkshareNode> | undefined
    const result = await downloader.services.arkshare.get(book.id, {
      onProgress: () => { late ??= swarm.peer('late', { share: [join(swarm.dir, 'books')] }) }
    })
    const newcomer = await late as ArkshareNode
    assert.ok(result.providersUsed.includes(newcomer.peerId.toString()), 'the new provider joined the download')
    assert.ok((await readFile(result.path)).equals(book.bytes))
  })

  it('finishes from the others when a provider goes away mid-download', async () => {
    const book = await sharedBook('Leo Tolstoy - Anna Karenina.txt', 3 * 1024 * 1024, 32)
    await swarm.peer('a', { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 1024 * 1024 })
    const leaving = await swarm.peer('b', { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 1024 * 1024 })
    await waitForProviders(swarm.index, book.id, 2)
    const downloader = await swarm.peer('d')
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

  it('finds a provider that restarted on a new port through the index, though handed its old address', async () => {
    const book = await sharedBook('Mary Shelley - Frankenstein.txt', 1024 * 1024, 37)
    const listed = (): string[] => swarm.index.services.index.catalog.search(undefined, { bookId: book.id, limit: 1 }).hits[0]?.providers[0]?.multiaddrs ?? []
    const before = await swarm.peer('p', { share: [join(swarm.dir, 'books')] })
    await waitForProviders(swarm.index, book.id, 1)
    const stale = { peerId: before.peerId.toString(), multiaddrs: listed() }
    assert.ok(stale.multiaddrs.length > 0)
    await before.stop()
    swarm.nodes.splice(swarm.nodes.indexOf(before), 1)
    // same data folder, so the same key; a new port
    const after = await swarm.peer('p', { share: [join(swarm.dir, 'books')] })
    assert.ok(after.peerId.equals(before.peerId))
    await eventually(() => listed().length > 0 && listed().every(a => !stale.multiaddrs.includes(a)), 15_000, 'the new address in the index')

    const downloader = await swarm.peer('d')
    const components = (downloader as any).components as DownloaderComponents & { logger: ArkshareNode['logger'] }
    const result = await new Download(components, {
      id: parseBookId(book.id),
      providers: [stale],
      outDir: join(swarm.dir, 'd', 'dl'),
      refreshProviders: async (signal?: AbortSignal) => (await downloader.services.arkshare.findProviders(book.id, { signal }))?.providers ?? [],
      paths: pathsOf(downloader)
    }, components.logger.forComponent('arkshare:test')).run()
    assert.deepEqual(result.providersUsed, [stale.peerId])
    assert.deepEqual(result.providersFailed, [])
    assert.ok((await readFile(result.path)).equals(book.bytes))
  })

  it('asks the index once about a provider it cannot reach, then drops it', async () => {
    const book = await sharedBook('Bram Stoker - Dracula.txt', 100_000, 38)
    const gone = await swarm.peer('p', { share: [join(swarm.dir, 'books')] })
    await waitForProviders(swarm.index, book.id, 1)
    const stale = { peerId: gone.peerId.toString(), multiaddrs: gone.getMultiaddrs().map(a => a.decapsulateCode(421).toString()) }
    await gone.stop()
    swarm.nodes.splice(swarm.nodes.indexOf(gone), 1)
    const downloader = await swarm.peer('d')
    const components = (downloader as any).components as DownloaderComponents & { logger: ArkshareNode['logger'] }
    let lookups = 0
    await assert.rejects(new Download(components, {
      id: parseBookId(book.id),
      providers: [stale],
      outDir: join(swarm.dir, 'd', 'dl'),
      // an index that still lists the provider where it was
      refreshProviders: async () => { lookups++; return [stale] },
      paths: pathsOf(downloader)
    }, components.logger.forComponent('arkshare:test')).run(), /all 1 provider\(s\) failed.*ECONNREFUSED/)
    assert.equal(lookups, 1)
  })

  it('queues a second downloader behind a provider\'s only upload slot and tells it its place', async () => {
    const book = await sharedBook('Dante - Inferno.txt', 2 * 1024 * 1024, 33)
    await swarm.peer('p', { share: [join(swarm.dir, 'books')], uploadSlots: 1, maxUploadBytesPerSecond: 2 * 1024 * 1024 })
    await waitForProviders(swarm.index, book.id, 1)
    const d1 = await swarm.peer('d1')
    const d2 = await swarm.peer('d2')
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
    const p = await swarm.peer('p', { share: [join(swarm.dir, 'books')] })
    await waitForProviders(swarm.index, book.id, 1)
    const indexEntry = await p.peerStore.get(swarm.index.peerId)
    assert.ok(indexEntry.tags.has('arkshare-index'), 'the swarm.index connection is tagged so it is not pruned')
    await p.stop()
    swarm.nodes.splice(swarm.nodes.indexOf(p), 1)
    assert.equal(swarm.index.services.index.search('iliad').hits.length, 0)
  })
  it('stops cleanly even while its first registration is still in flight', async () => {
    await writeBook(join(swarm.dir, 'books'), 'Ovid - Metamorphoses.txt', bookBytes(35, 5000))
    const p = await startPeer(swarm.index, { share: [join(swarm.dir, 'books')], dataDir: join(swarm.dir, 'fresh') })
    await p.stop()
    // whatever the race, nothing of it stays listed
    await new Promise(resolve => setTimeout(resolve, 300))
    assert.equal(swarm.index.services.index.search('metamorphoses').hits.length, 0)
  })
})
