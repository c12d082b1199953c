// A download takes in providers gradually: the best one first, more only while the
// downloader is idle, and the others are not even dialled before that; a provider that stalls or
// lies is replaced whatever the load.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookIdOf, parseBookId } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { Download, type DownloaderComponents, type DownloadResult } from '../../src/peer/download/index.js'
import { PingRanker, type PingRankerComponents } from '../../src/peer/providers/ping-ranker.js'
import { ProviderPings } from '../../src/peer/providers/provider-pings.js'
import { bookBytes, indexAddr, pathsOf, useSwarm, waitForProviders, writeBook } from '../helpers.js'
import { startLiar } from './liar.js'
import type { ArkshareNode } from '../../src/node/create-node.js'
import type { ProviderRampInit } from '../../src/peer/download/provider-ramp.js'

describe('taking in providers while the downloader is idle', function () {
  this.timeout(60_000)
  const swarm = useSwarm()
  const info = (node: ArkshareNode): { peerId: string, multiaddrs: string[] } => ({ peerId: node.peerId.toString(), multiaddrs: node.getMultiaddrs().map(a => a.toString()) })

  async function sharedBook (name: string, size: number, seed: number): Promise<{ path: string, id: string, bytes: Buffer }> {
    const bytes = bookBytes(seed, size)
    const path = await writeBook(join(swarm.dir, 'books'), name, bytes)
    return { path, id: bookIdOf(await hashFile(path)).toString(), bytes }
  }

  async function download (id: string, providers: ArkshareNode[], ramp?: ProviderRampInit, stallTimeoutMs?: number): Promise<DownloadResult> {
    const downloader = await swarm.peer('d')
    const components = (downloader as any).components as DownloaderComponents & { logger: ArkshareNode['logger'] }
    return await new Download(components, {
      id: parseBookId(id), providers: providers.map(info), outDir: join(swarm.dir, 'd', 'dl'), paths: pathsOf(downloader), ramp, stallTimeoutMs
    }, components.logger.forComponent('arkshare:test')).run()
  }

  /**
   * As a node's download runs: the first provider to answer its ping starts, the others are pinged
   * when the ramp wants more. A ping waits for the one before it to fail (no stagger by time).
   */
  async function pingedDownload (id: string, providers: ArkshareNode[], ramp: ProviderRampInit): Promise<{ result: DownloadResult, downloader: ArkshareNode, ranker: PingRanker }> {
    const downloader = await swarm.peer('d')
    const components = (downloader as any).components as DownloaderComponents & PingRankerComponents & { logger: ArkshareNode['logger'] }
    const ranker = new PingRanker(components, { staggerMs: 60_000 })
    const pings = new ProviderPings(ranker)
    await pings.nearest(providers.map(info))
    const result = await new Download(components, {
      id: parseBookId(id), providers: ranker.rank(providers.map(info)), outDir: join(swarm.dir, 'd', 'dl'), paths: pathsOf(downloader), ramp, nearest: async more => { await pings.nearest(more) }
    }, components.logger.forComponent('arkshare:test')).run()
    return { result, downloader, ranker }
  }

  const sending = (result: DownloadResult): string[] => result.providers.filter(p => p.bytes > 0).map(p => p.peerId)

  it('keeps to the first provider while the downloader stays busy', async () => {
    // 64 chunks: more than one provider claims at once (3 requests of 8), so the others would find
    // chunks pending; slow enough that an idle downloader would take them in many times over
    const book = await sharedBook('Jane Austen - Emma.txt', 16 * 1024 * 1024, 41)
    const limit = { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 8 * 1024 * 1024 }
    const providers = [await swarm.peer('a', limit), await swarm.peer('b', limit), await swarm.peer('c', limit)]
    await waitForProviders(swarm.index, book.id, 3)
    const result = await download(book.id, providers, { load: () => 1, intervalMs: 20 })
    assert.ok((await readFile(result.path)).equals(book.bytes))
    assert.deepEqual(sending(result), [providers[0].peerId.toString()])
  })

  it('dials no other provider while the first keeps the downloader busy', async () => {
    const book = await sharedBook('Jane Austen - Northanger Abbey.txt', 16 * 1024 * 1024, 45)
    const limit = { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 8 * 1024 * 1024 }
    const providers = [await swarm.peer('a', limit), await swarm.peer('b', limit), await swarm.peer('c', limit)]
    await waitForProviders(swarm.index, book.id, 3)
    const { result, downloader, ranker } = await pingedDownload(book.id, providers, { load: () => 1, intervalMs: 20 })
    assert.ok((await readFile(result.path)).equals(book.bytes))
    assert.deepEqual(sending(result), [providers[0].peerId.toString()])
    assert.equal(typeof ranker.stats.get(providers[0].peerId.toString())?.rttMs, 'number', 'the first was pinged')
    for (const other of providers.slice(1)) {
      assert.equal(ranker.stats.get(other.peerId.toString()), undefined, 'not pinged')
      assert.equal(downloader.getConnections(other.peerId).length, 0, 'not dialled')
      assert.equal(other.getConnections(downloader.peerId).length, 0, 'never reached by the downloader')
    }
  })

  it('pings and dials the others when the ramp takes them in', async () => {
    const book = await sharedBook('Jane Austen - Lady Susan.txt', 16 * 1024 * 1024, 46)
    const limit = { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 4 * 1024 * 1024 }
    const providers = [await swarm.peer('a', limit), await swarm.peer('b', limit), await swarm.peer('c', limit)]
    await waitForProviders(swarm.index, book.id, 3)
    const { result, ranker } = await pingedDownload(book.id, providers, { load: () => 0, intervalMs: 20 })
    assert.ok((await readFile(result.path)).equals(book.bytes))
    assert.equal(sending(result).length, 3)
    for (const p of providers) assert.equal(typeof ranker.stats.get(p.peerId.toString())?.rttMs, 'number', 'pinged before it was taken in')
  })

  it('takes the others in while the downloader waits for data', async () => {
    const book = await sharedBook('Jane Austen - Persuasion.txt', 16 * 1024 * 1024, 42)
    const limit = { share: [join(swarm.dir, 'books')], maxUploadBytesPerSecond: 4 * 1024 * 1024 }
    const providers = [await swarm.peer('a', limit), await swarm.peer('b', limit), await swarm.peer('c', limit)]
    await waitForProviders(swarm.index, book.id, 3)
    // the process's own event loop: the providers here are capped, so it mostly waits
    const result = await download(book.id, providers)
    assert.ok((await readFile(result.path)).equals(book.bytes))
    assert.equal(sending(result).length, 3)
  })

  it('replaces a provider that stalls, however busy the downloader', async () => {
    // the staller answers one request (8 chunks), then never again
    const book = await sharedBook('Jane Austen - Mansfield Park.txt', 6 * 1024 * 1024, 43)
    const staller = await startLiar(indexAddr(swarm.index), book.path, await hashFile(book.path), { mode: 'stall', stallAfter: 1 })
    swarm.nodes.push(staller)
    const honest = await swarm.peer('honest', { share: [join(swarm.dir, 'books')] })
    await waitForProviders(swarm.index, book.id, 2)
    const result = await download(book.id, [staller, honest], { load: () => 1, intervalMs: 20 }, 1_000)
    assert.ok((await readFile(result.path)).equals(book.bytes))
    assert.ok(sending(result).includes(honest.peerId.toString()), 'the fallback provider took over')
    assert.match(result.providersFailed.find(f => f.peerId === staller.peerId.toString())?.reason ?? '', /./)
  })

  it('replaces a provider that lies, however busy the downloader', async () => {
    const book = await sharedBook('Jane Austen - Sense and Sensibility.txt', 2 * 1024 * 1024, 44)
    const liar = await startLiar(indexAddr(swarm.index), book.path, await hashFile(book.path), { corrupts: i => i === 2 })
    swarm.nodes.push(liar)
    const honest = await swarm.peer('honest', { share: [join(swarm.dir, 'books')] })
    await waitForProviders(swarm.index, book.id, 2)
    const result = await download(book.id, [liar, honest], { load: () => 1, intervalMs: 20 })
    assert.ok((await readFile(result.path)).equals(book.bytes))
    assert.ok(sending(result).includes(honest.peerId.toString()), 'the fallback provider took over')
    assert.equal(result.providersFailed.length, 1)
  })
})
