// The per-provider ledger and the chunk map of a real download: an honest provider, a liar, a
// provider that stalls and one that is gone, each accounted for with the reason it was dropped;
// every verified chunk mapped to the provider that delivered it, or to the disk on a resume.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookIdOf, parseBookId } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { Download, type DownloaderComponents } from '../../src/peer/download/index.js'
import { FROM_DISK } from '../../src/peer/download/provider-ledger.js'
import { bookBytes, indexAddr, pathsOf, useSwarm, waitForProviders, writeBook } from '../helpers.js'
import { startLiar } from './liar.js'
import type { ArkshareNode } from '../../src/node/create-node.js'
import type { DownloadProgress } from '../../src/peer/index.js'

describe('provider ledger and chunk map', function () {
  this.timeout(60_000)
  const swarm = useSwarm()

  function componentsOf (node: ArkshareNode): DownloaderComponents & { logger: ArkshareNode['logger'] } {
    return (node as any).components
  }

  it('counts what each provider delivered, and why each bad one was dropped', async () => {
    const bytes = bookBytes(41, 8 * 1024 * 1024)
    const path = await writeBook(join(swarm.dir, 'books'), 'Jules Verne - Around the World.txt', bytes)
    const manifest = await hashFile(path)
    const id = bookIdOf(manifest).toString()
    // the honest provider is slow enough that the stall timeout fires before the book is complete
    const honest = await swarm.peer('honest', { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 2 * 1024 * 1024 })
    const liar = await startLiar(indexAddr(swarm.index), path, manifest)
    const staller = await startLiar(indexAddr(swarm.index), path, manifest, { mode: 'stall', stallAfter: 0 })
    swarm.nodes.push(liar, staller)
    const gone = await swarm.peer('gone')
    const goneInfo = { peerId: gone.peerId.toString(), multiaddrs: gone.getMultiaddrs().map(a => a.decapsulateCode(421).toString()) }
    await gone.stop()
    await waitForProviders(swarm.index, id, 3)
    const info = (node: ArkshareNode): { peerId: string, multiaddrs: string[] } => ({ peerId: node.peerId.toString(), multiaddrs: node.getMultiaddrs().map(a => a.toString()) })

    const downloader = await swarm.peer('d')
    const components = componentsOf(downloader)
    let last: DownloadProgress | undefined
    const result = await new Download(components, {
      id: parseBookId(id),
      // the staller first: it sends the manifest, and its worker starts at once on the first chunks
      providers: [info(staller), info(liar), info(honest), goneInfo],
      outDir: join(swarm.dir, 'd', 'dl'),
      stallTimeoutMs: 1_000,
      onProgress: (p) => { last = p },
      paths: pathsOf(downloader)
    }, components.logger.forComponent('arkshare:test')).run()
    assert.ok((await readFile(result.path)).equals(bytes))
    assert.ok(last != null)

    const byPeer = new Map(last.providers.map(e => [e.peerId, e]))
    const h = byPeer.get(honest.peerId.toString())
    const l = byPeer.get(liar.peerId.toString())
    const s = byPeer.get(staller.peerId.toString())
    const g = byPeer.get(goneInfo.peerId)
    assert.ok(h != null && l != null && s != null && g != null, JSON.stringify(last.providers))
    assert.equal(h.dropped, undefined)
    assert.ok(h.chunksVerified > 0 && h.chunksRejected === 0)
    assert.ok(l.chunksRejected >= 1)
    assert.equal(l.chunksUsed, 0)
    assert.equal(l.dropped?.reason, 'bad_data')
    assert.equal(s.dropped?.reason, 'stalled')
    assert.equal(g.dropped?.reason, 'unreachable')
    assert.equal(g.bytes, 0)

    // every chunk is mapped to the provider that delivered it first
    const { owners, providers } = last.chunkMap
    assert.equal(owners.length, last.chunksTotal)
    assert.ok(owners.every(o => o !== 0), 'every chunk has an owner')
    const counted = new Map<string, number>()
    for (const o of owners) counted.set(providers[o - 1], (counted.get(providers[o - 1]) ?? 0) + 1)
    for (const entry of last.providers) assert.equal(counted.get(entry.peerId) ?? 0, entry.chunksUsed, entry.peerId)
    assert.equal(last.providers.reduce((n, e) => n + e.chunksUsed, 0), last.chunksTotal)
    // the bytes the ledger saw add up to what the download fetched
    assert.equal(last.providers.reduce((n, e) => n + e.bytes, 0), last.bytesFetched)
  })

  it('maps chunks found verified on disk on a resume to the disk', async () => {
    const bytes = bookBytes(42, 2 * 1024 * 1024)
    const path = await writeBook(join(swarm.dir, 'books'), 'Jules Verne - The Mysterious Island.txt', bytes)
    const id = bookIdOf(await hashFile(path)).toString()
    const provider = await swarm.peer('p', { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 1024 * 1024 })
    await waitForProviders(swarm.index, id, 1)
    const downloader = await swarm.peer('d')
    const components = componentsOf(downloader)
    const options = { id: parseBookId(id), providers: [{ peerId: provider.peerId.toString(), multiaddrs: provider.getMultiaddrs().map(a => a.toString()) }], outDir: join(swarm.dir, 'd', 'dl'), paths: pathsOf(downloader) }
    const stop = new AbortController()
    await assert.rejects(new Download(components, {
      ...options,
      signal: stop.signal,
      onProgress: (p) => { if (p.chunksDone >= 3) stop.abort() }
    }, components.logger.forComponent('arkshare:test')).run())

    let first: { fromDisk: number, resumedBytes: number } | undefined
    const result = await new Download(components, {
      ...options,
      onProgress: (p) => { first ??= { fromDisk: p.chunkMap.owners.filter(o => o === FROM_DISK).length, resumedBytes: p.resumedBytes } }
    }, components.logger.forComponent('arkshare:test')).run()
    assert.ok(first != null && first.fromDisk >= 3, JSON.stringify(first))
    assert.equal(first.fromDisk * 256 * 1024, first.resumedBytes)
    assert.ok((await readFile(result.path)).equals(bytes))
  })
})
