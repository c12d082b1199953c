// Several indexes: a peer registers with all, searches ask all and merge, and survive one being down.
// Also the index's own protections: per-peer rate limits and the stats request.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { SearchRequest, SearchResponse, Status } from '../../src/wire/arkshare.pb.js'
import { SEARCH_PROTOCOL, LIMITS } from '../../src/wire/protocols.js'
import { RequestChannel } from '../../src/wire/request-channel.js'
import { ArkshareRemoteError } from '../../src/wire/errors.js'
import { createArkshareNode, type ArkshareNode, type IndexNode } from '../../src/node/create-node.js'
import { bookBytes, indexAddr, removeDir, startIndex, tempDir, waitForProviders, writeBook, LOOPBACK } from '../helpers.js'

describe('several indexes', function () {
  this.timeout(60_000)
  let dir: string
  const stops: Array<{ stop: () => void | Promise<void> }> = []

  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => {
    await Promise.all(stops.splice(0).map(async n => { await n.stop() }))
    await removeDir(dir)
  })

  async function index (options = {}): Promise<IndexNode> {
    const node = await startIndex(options)
    stops.push(node)
    return node
  }

  async function peer (indexes: IndexNode[], name: string, share?: string): Promise<ArkshareNode> {
    const node = await createArkshareNode({ listen: [LOOPBACK], indexes: indexes.map(indexAddr), share: share != null ? [share] : [], dataDir: join(dir, name, 'data') })
    stops.push(node)
    return node
  }

  it('merges results from every index, one entry per book, and keeps working when one is down', async () => {
    const one = await index()
    const two = await index()
    const bytes = bookBytes(61, 40_000)
    await writeBook(join(dir, 'a'), 'Geoffrey Chaucer - The Canterbury Tales.txt', bytes)
    await writeBook(join(dir, 'c'), 'Canterbury Tales (copy).txt', bytes)
    const id = bookIdOf(await hashFile(join(dir, 'a', 'Geoffrey Chaucer - The Canterbury Tales.txt'))).toString()
    const a = await peer([one], 'a', join(dir, 'a'))
    const c = await peer([two], 'c', join(dir, 'c'))
    await waitForProviders(one, id, 1)
    await waitForProviders(two, id, 1)
    const b = await peer([one, two], 'b')
    const merged = await b.services.arkshare.search('canterbury')
    assert.equal(merged.results.length, 1)
    assert.deepEqual(new Set(merged.results[0].providers.map(p => p.peerId)), new Set([a.peerId.toString(), c.peerId.toString()]))

    await two.stop()
    const partial = await b.services.arkshare.search('canterbury')
    assert.deepEqual(partial.results[0].providers.map(p => p.peerId), [a.peerId.toString()])
    assert.equal(partial.failures.length, 1)
  })

  it('registers with every index it is given', async () => {
    const one = await index()
    const two = await index()
    await writeBook(join(dir, 'a'), 'Boethius - Consolation.txt', bookBytes(62, 1000))
    const id = bookIdOf(await hashFile(join(dir, 'a', 'Boethius - Consolation.txt'))).toString()
    await peer([one, two], 'a', join(dir, 'a'))
    await waitForProviders(one, id, 1)
    await waitForProviders(two, id, 1)
  })

  it('rate-limits a flooding peer with a retry-after, without hurting others', async () => {
    const limited = await index({ searchesPerMinute: 5 })
    const flooder = await createArkshareNode({ listen: [LOOPBACK] })
    stops.push(flooder)
    const stream = await flooder.dialProtocol(multiaddr(indexAddr(limited)), SEARCH_PROTOCOL)
    const channel = new RequestChannel<SearchRequest, SearchResponse>(stream, { request: SearchRequest, response: SearchResponse, maxResponseBytes: LIMITS.search.maxResponseBytes })
    const ask = async (): Promise<SearchResponse> => await channel.request({ query: 'anything', limit: 0, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false })
    for (let i = 0; i < 5; i++) assert.equal((await ask()).status, Status.OK)
    await assert.rejects(ask(), (err: unknown) => err instanceof ArkshareRemoteError && err.status === Status.E_RATE_LIMITED && err.retryAfterSeconds >= 1 && /retry after/.test(err.message))
    const polite = await peer([limited], 'polite')
    assert.equal((await polite.services.arkshare.search('anything')).results.length, 0)
  })

  it('answers a stats request with honest counts', async () => {
    const one = await index()
    await writeBook(join(dir, 'a'), 'Dante - Purgatorio.txt', bookBytes(63, 1000))
    await writeBook(join(dir, 'a'), 'Dante - Paradiso.txt', bookBytes(64, 1000))
    const a = await peer([one], 'a', join(dir, 'a'))
    const b = await peer([one], 'b')
    await waitForProviders(one, bookIdOf(await hashFile(join(dir, 'a', 'Dante - Paradiso.txt'))).toString(), 1)
    const [answer] = await b.services.arkshare.indexStats()
    assert.deepEqual(answer.stats, { peersOnline: 1, peersRegistered: 1, books: 2, providers: 2 })
    void a
  })
})
