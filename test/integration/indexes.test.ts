// Several indexes: a peer registers with all, searches ask all and merge, and survive one being down.
// Also the index's own protections: per-peer rate limits and the stats request.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { createHash } from 'node:crypto'
import { bookIdOf, CHUNK_SIZE } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { REGISTER, SEARCH, Reachability, RegisterRequest, RegisterResponse, SearchRequest, SearchResponse, Status } from '../../src/wire/messages.js'
import { REGISTER_PROTOCOL, SEARCH_PROTOCOL } from '../../src/wire/protocols.js'
import { bookToWire } from '../../src/wire/records.js'
import { RequestChannel } from '../../src/wire/request-channel.js'
import { ArkshareRemoteError } from '../../src/wire/errors.js'
import { createArkshareNode, type ArkshareNode, type IndexNode } from '../../src/node/create-node.js'
import { bookBytes, eventually, folderAndNodesPerTest, indexAddr, startIndex, waitForProviders, writeBook, LOOPBACK } from '../helpers.js'

describe('several indexes', function () {
  this.timeout(60_000)
  const scope = folderAndNodesPerTest()
  const { stops } = scope

  async function index (options = {}): Promise<IndexNode> {
    const node = await startIndex(options)
    stops.push(node)
    return node
  }

  async function peer (indexes: IndexNode[], name: string, share?: string): Promise<ArkshareNode> {
    const node = await createArkshareNode({ listen: [LOOPBACK], indexes: indexes.map(indexAddr), share: share != null ? [share] : [], dataDir: join(scope.dir, name, 'data') })
    stops.push(node)
    return node
  }

  it('merges results from every index, one entry per book, and keeps working when one is down', async () => {
    const one = await index()
    const two = await index()
    const bytes = bookBytes(61, 40_000)
    await writeBook(join(scope.dir, 'a'), 'Geoffrey Chaucer - The Canterbury Tales.txt', bytes)
    await writeBook(join(scope.dir, 'c'), 'Canterbury Tales (copy).txt', bytes)
    const id = bookIdOf(await hashFile(join(scope.dir, 'a', 'Geoffrey Chaucer - The Canterbury Tales.txt'))).toString()
    const a = await peer([one], 'a', join(scope.dir, 'a'))
    const c = await peer([two], 'c', join(scope.dir, 'c'))
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
    await writeBook(join(scope.dir, 'a'), 'Boethius - Consolation.txt', bookBytes(62, 1000))
    const id = bookIdOf(await hashFile(join(scope.dir, 'a', 'Boethius - Consolation.txt'))).toString()
    await peer([one, two], 'a', join(scope.dir, 'a'))
    await waitForProviders(one, id, 1)
    await waitForProviders(two, id, 1)
  })

  it('answers a hot query from its cache, which never outlives a withdrawal or a grace period', async () => {
    const idx = await index({ disconnectGraceMs: 500 })
    const catalog = idx.services.index.catalog
    const search = catalog.search.bind(catalog)
    let catalogSearches = 0
    catalog.search = (...args) => { catalogSearches++; return search(...args) }
    const searcher = await peer([idx], 'searcher')
    const providersOf = async (words: string): Promise<number> => (await searcher.services.arkshare.search(words)).results[0]?.providers.length ?? 0

    // a provider that registers by hand, so stopping it leaves its registration behind (no unregister)
    const register = async (title: string): Promise<{ stop: () => Promise<void>, send: (r: Partial<RegisterRequest>) => Promise<RegisterResponse> }> => {
      const node = await createArkshareNode({ listen: [LOOPBACK] })
      stops.push(node)
      const stream = await node.dialProtocol(multiaddr(indexAddr(idx)), REGISTER_PROTOCOL)
      const channel = new RequestChannel<RegisterRequest, RegisterResponse>(stream, REGISTER)
      const send = async (r: Partial<RegisterRequest>): Promise<RegisterResponse> => await channel.request({ type: RegisterRequest.Type.PUT, replace: false, books: [], remove: [], ttl: 60, reachability: Reachability.UNKNOWN, ...r })
      const id = bookIdOf({ size: 1000, chunkSize: CHUNK_SIZE, chunkHashes: new Uint8Array(createHash('sha256').update(title).digest()) })
      await send({ books: [bookToWire({ id: id.toString(), title, author: 'Elias Lönnrot', format: 'txt', size: 1000, fileName: `${title}.txt`, language: 'fi' })] })
      return { stop: async () => { await node.stop() }, send: async (r) => await send({ ...r, remove: r.remove ?? [id.bytes as Uint8Array<ArrayBuffer>] }) }
    }

    const gone = await register('Kalevala')
    assert.equal(await providersOf('kalevala'), 1)
    const before = catalogSearches
    assert.equal(await providersOf('kalevala'), 1)
    assert.equal(catalogSearches, before, 'the repeated query came from the cache')
    await gone.stop()
    // within the 5 s the cache keeps a page, but past the provider's 0.5 s grace period
    await new Promise(resolve => setTimeout(resolve, 800))
    assert.equal(await providersOf('kalevala'), 0, 'the cached page ended with the grace period')

    const withdrawn = await register('Kanteletar')
    assert.equal(await providersOf('kanteletar'), 1)
    await withdrawn.send({ type: RegisterRequest.Type.REMOVE })
    assert.equal(await providersOf('kanteletar'), 0, 'a removal empties the cache at once')
  })

  it('forgets departed peers from the peer store, but not connected or tagged ones', async () => {
    const idx = await index()
    const visit = async (): Promise<ArkshareNode> => {
      const node = await createArkshareNode({ listen: [LOOPBACK] })
      stops.push(node)
      const stream = await node.dialProtocol(multiaddr(indexAddr(idx)), REGISTER_PROTOCOL)
      const channel = new RequestChannel<RegisterRequest, RegisterResponse>(stream, REGISTER)
      await channel.request({ type: RegisterRequest.Type.UNREGISTER, replace: false, books: [], remove: [], ttl: 0, reachability: Reachability.UNKNOWN })
      return node
    }
    const departed = await Promise.all([visit(), visit(), visit()])
    const tagged = await visit()
    const staying = await visit()
    await idx.peerStore.merge(tagged.peerId, { tags: { 'kept-by-another-service': { value: 1 } } })
    for (const node of [...departed, tagged]) assert.ok(await idx.peerStore.has(node.peerId), 'known while connected')
    await Promise.all([...departed, tagged].map(async n => { await n.stop() }))
    await eventually(async () => !(await Promise.all(departed.map(async n => await idx.peerStore.has(n.peerId)))).some(Boolean), 10_000, 'departed peers forgotten')
    assert.ok(await idx.peerStore.has(tagged.peerId), 'a tagged peer is kept')
    assert.ok(await idx.peerStore.has(staying.peerId), 'a connected peer is kept')
  })

  it('rate-limits a flooding peer with a retry-after, without hurting others', async () => {
    const limited = await index({ searchesPerMinute: 5 })
    const flooder = await createArkshareNode({ listen: [LOOPBACK] })
    stops.push(flooder)
    const stream = await flooder.dialProtocol(multiaddr(indexAddr(limited)), SEARCH_PROTOCOL)
    const channel = new RequestChannel<SearchRequest, SearchResponse>(stream, SEARCH)
    const ask = async (): Promise<SearchResponse> => await channel.request({ query: 'anything', limit: 0, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false, derivedFileNames: false })
    for (let i = 0; i < 5; i++) assert.equal((await ask()).status, Status.OK)
    await assert.rejects(ask(), (err: unknown) => err instanceof ArkshareRemoteError && err.status === Status.E_RATE_LIMITED && err.retryAfterSeconds >= 1 && /retry after/.test(err.message))
    const polite = await peer([limited], 'polite')
    assert.equal((await polite.services.arkshare.search('anything')).results.length, 0)
  })

  it('says when the total of a very common word is an estimate, and the merged answer keeps saying it', async () => {
    const one = await index()
    const two = await index()
    // one provider lists 1,500 books on one index: "common" is in every title, "rare" in one
    const provider = await createArkshareNode({ listen: [LOOPBACK] })
    stops.push(provider)
    const channel = new RequestChannel<RegisterRequest, RegisterResponse>(await provider.dialProtocol(multiaddr(indexAddr(one)), REGISTER_PROTOCOL), REGISTER)
    const books = Array.from({ length: 1500 }, (_, i) => {
      const title = i === 700 ? 'Common Rare Volume' : `Common Title ${i}`
      const id = bookIdOf({ size: 1000, chunkSize: CHUNK_SIZE, chunkHashes: new Uint8Array(createHash('sha256').update(title).digest()) })
      return bookToWire({ id: id.toString(), title, author: 'Anonymous', format: 'txt', size: 1000, fileName: `${title}.txt`, language: 'en' })
    })
    for (let i = 0; i < books.length; i += 1000) await channel.request({ type: RegisterRequest.Type.PUT, replace: false, books: books.slice(i, i + 1000), remove: [], ttl: 60, reachability: Reachability.UNKNOWN })
    const searcher = await peer([one, two], 'searcher')
    const common = await searcher.services.arkshare.search('common')
    assert.equal(common.totalIsEstimate, true)
    assert.ok(common.total > 1200 && common.total < 1800, `about 1,500: ${common.total}`)
    assert.equal(common.results.length, 50)
    const rare = await searcher.services.arkshare.search('common rare')
    assert.equal(rare.totalIsEstimate, false)
    assert.equal(rare.total, 1)
    assert.equal(rare.results[0].book.title, 'Common Rare Volume')
  })

  it('answers a stats request with honest counts', async () => {
    const one = await index()
    await writeBook(join(scope.dir, 'a'), 'Dante - Purgatorio.txt', bookBytes(63, 1000))
    await writeBook(join(scope.dir, 'a'), 'Dante - Paradiso.txt', bookBytes(64, 1000))
    const a = await peer([one], 'a', join(scope.dir, 'a'))
    const b = await peer([one], 'b')
    await waitForProviders(one, bookIdOf(await hashFile(join(scope.dir, 'a', 'Dante - Paradiso.txt'))).toString(), 1)
    const [answer] = await b.services.arkshare.indexStats()
    // peers on loopback hold no relay slot: nothing relayed
    assert.deepEqual(answer.stats, { peersOnline: 1, peersRegistered: 1, books: 2, providers: 2, relayReservations: 0, relayCircuits: 0, relayedBytes: 0, relayLargestCircuitBytes: 0 })
    void a
  })
})
