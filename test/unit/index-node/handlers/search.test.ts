// The search handler over an in-memory stream pair, with a real in-memory catalog: pages by words,
// provider and book, the live counts, the page cache, and each refusal it answers with.
import assert from 'node:assert/strict'
import { parseBookId } from '../../../../src/content/book-id.js'
import { Catalog } from '../../../../src/index-node/catalog/catalog.js'
import { SearchHandler, type SearchHandlerInit } from '../../../../src/index-node/handlers/search.js'
import { SearchCache } from '../../../../src/index-node/search-cache.js'
import { PeerRateLimiter } from '../../../../src/limits/peer-rate-limiter.js'
import { ArkshareRemoteError, Status } from '../../../../src/wire/errors.js'
import { SEARCH, type SearchRequest, type SearchResponse } from '../../../../src/wire/messages.js'
import { bookFromWire, peerIdToBytes, providerFromWire } from '../../../../src/wire/records.js'
import { book, log, remotePeer, serve, streamBudget, type Served } from './fixtures.js'
import type { StreamOrigin } from '../../../../src/index-node/handlers/index-stream.js'

const ALICE_ADDR = '/ip4/10.0.0.9/tcp/4001'
const EMMA = book(2, 'Emma', 'Jane Austen')

function request (fields: Partial<SearchRequest> = {}): SearchRequest {
  return { query: '', limit: 0, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false, derivedFileNames: false, ...fields }
}

const refusedWith = (status: Status, retryAfterSeconds?: number) => (err: Error): boolean =>
  err instanceof ArkshareRemoteError && err.status === status && (retryAfterSeconds == null || err.retryAfterSeconds === retryAfterSeconds)

const titles = (reply: SearchResponse): string[] => reply.results.map(r => r.book == null ? '' : bookFromWire(r.book).title)

describe('search handler', () => {
  let clock: number
  let catalog: Catalog
  let alice: string
  let origin: StreamOrigin
  const streams: Array<Served<SearchRequest, SearchResponse>> = []

  beforeEach(async () => {
    clock = 1_000_000
    // three books: a query without words may order two of them by title, not three
    catalog = new Catalog({ path: ':memory:', now: () => clock, maxUnrankedMatches: 2 })
    alice = (await remotePeer()).remotePeer.toString()
    catalog.upsertPeer(alice, [ALICE_ADDR], clock + 60_000)
    catalog.putBooks(alice, [book(1, 'Moby Dick', 'Herman Melville'), EMMA, book(3, 'Mobile Homes')], false)
    origin = await remotePeer()
  })
  afterEach(async () => {
    for (const { client } of streams.splice(0)) client.abort(new Error('test over'))
    catalog.close()
  })

  async function open (init: Partial<SearchHandlerInit> = {}, from = origin): Promise<Served<SearchRequest, SearchResponse>> {
    const handler = new SearchHandler({
      catalog: () => catalog,
      rateLimiter: new PeerRateLimiter(600),
      streams: streamBudget(),
      log,
      cache: new SearchCache<Uint8Array>(100, 5_000, () => clock),
      relayCounts: () => ({ relayReservations: 2, relayCircuits: 1, relayedBytes: 4096n, relayLargestCircuitBytes: 3000n }),
      ...init
    })
    const served = await serve(handler, from, SEARCH)
    streams.push(served)
    return served
  }

  it('answers pages by words, by provider and by book, with the providers\' addresses', async () => {
    const { client } = await open()
    const moby = await client.request(request({ query: 'moby' }))
    assert.deepEqual([moby.status, moby.total, moby.totalIsEstimate, titles(moby)], [Status.OK, 1, false, ['Moby Dick']])
    assert.deepEqual(moby.results[0].providers.map(providerFromWire), [{ peerId: alice, multiaddrs: [ALICE_ADDR], reachability: 'unknown' }])
    assert.deepEqual(titles(await client.request(request({ query: 'mob' }))).sort(), ['Mobile Homes', 'Moby Dick'], 'the last word is a prefix')

    const shelf = await client.request(request({ provider: peerIdToBytes(alice), limit: 2 }))
    assert.deepEqual([shelf.total, titles(shelf)], [3, ['Emma', 'Mobile Homes']], 'browsing a provider, by title, a page of 2')
    const one = await client.request(request({ bookId: parseBookId(EMMA.id).bytes }))
    assert.deepEqual(one.results.map(r => bookFromWire(r.book!)), [EMMA], 'one book, as registered')
  })

  it('leaves out a derivable file name only for a client that derives file names (each reply cached for its kind of client)', async () => {
    const derivable = { ...book(4, 'Typee', 'Herman Melville'), fileName: 'Herman Melville - Typee.epub' }
    catalog.putBooks(alice, [derivable], false)
    const { client } = await open()
    const fileNames = (reply: SearchResponse): string[] => reply.results.map(r => r.book?.fileName ?? '?')
    assert.deepEqual(fileNames(await client.request(request({ query: 'typee', derivedFileNames: true }))), [''])
    assert.deepEqual(fileNames(await client.request(request({ query: 'typee' }))), ['Herman Melville - Typee.epub'], 'an older client gets it in full')
    assert.deepEqual(fileNames(await client.request(request({ query: 'moby', derivedFileNames: true }))), ['Moby Dick.epub'], 'a name not derivable is always sent')
  })

  it('answers a repeated query from its cache until a removal', async () => {
    let searches = 0
    const search = catalog.search.bind(catalog)
    catalog.search = (...args) => { searches++; return search(...args) }
    const { client } = await open()
    for (let i = 0; i < 3; i++) assert.equal((await client.request(request({ query: 'emma' }))).total, 1)
    assert.equal(searches, 1)
    catalog.removeBooks(alice, [EMMA.id])
    assert.equal((await client.request(request({ query: 'emma' }))).total, 0, 'a removal shows at once')
    assert.equal(searches, 2)
  })

  it('answers a stats request with the live counts', async () => {
    const { client } = await open()
    const reply = await client.request(request({ stats: true }))
    assert.deepEqual([reply.status, reply.results, reply.stats], [Status.OK, [], {
      peersOnline: 1, peersRegistered: 1, books: 3, providers: 3, relayReservations: 2, relayCircuits: 1, relayedBytes: 4096n, relayLargestCircuitBytes: 3000n
    }])
  })

  it('refuses an empty request, a bad provider, a bad book ID or a bad query with E_INVALID_REQUEST', async () => {
    const asks: Array<[Partial<SearchRequest>, RegExp]> = [
      [{}, /empty query/],
      [{ provider: Uint8Array.from([1, 2, 3]) }, /provider is not a peer ID/],
      [{ bookId: Uint8Array.from([1, 2, 3]) }, /not a book ID/],
      [{ query: 'size>lots' }, /not a size/],
      [{ query: 'format:epub' }, /3 books match: add a word/]
    ]
    for (const [fields, message] of asks) {
      const { client, served } = await open()
      await assert.rejects(client.request(request(fields)), (err: Error) => refusedWith(Status.E_INVALID_REQUEST)(err) && message.test(err.message))
      await served
    }
  })

  it('refuses a peer over its search rate with E_RATE_LIMITED and the seconds to wait', async () => {
    const { client, served } = await open({ rateLimiter: new PeerRateLimiter(2) })
    await client.request(request({ query: 'emma' }))
    await client.request(request({ query: 'emma' }))
    await assert.rejects(client.request(request({ query: 'emma' })), refusedWith(Status.E_RATE_LIMITED, 30))
    await served
  })

  it('tells its listener how every request ended: answered, rate limited, invalid, malformed', async () => {
    const heard: Array<[string, string]> = []
    const onRequest = (protocol: string, outcome: string, durationMs: number): void => {
      assert.ok(durationMs >= 0)
      heard.push([protocol, outcome])
    }
    const { client, served } = await open({ rateLimiter: new PeerRateLimiter(2), onRequest })
    await client.request(request({ query: 'emma' }))
    await client.request(request({ stats: true }))
    await assert.rejects(client.request(request({ query: 'emma' })), refusedWith(Status.E_RATE_LIMITED))
    await served
    const invalid = await open({ onRequest })
    await assert.rejects(invalid.client.request(request({ query: 'size>lots' })))
    await invalid.served
    const malformed = await open({ onRequest })
    malformed.client.stream.send(Uint8Array.from([3, 0x0f, 0x0f, 0x0f]))
    await assert.rejects(malformed.client.receive(), refusedWith(Status.E_INVALID_REQUEST))
    await malformed.served
    assert.deepEqual(heard, [['search', 'ok'], ['search', 'ok'], ['search', 'rate_limited'], ['search', 'invalid'], ['search', 'invalid']])
  })

  it('answers E_UNAVAILABLE past the per-address stream budget, while another address is served', async () => {
    const budget = streamBudget(8, 1)
    const first = await open({ streams: budget })
    assert.equal((await first.client.request(request({ query: 'emma' }))).total, 1)
    const second = await open({ streams: budget })
    await assert.rejects(second.client.request(request({ query: 'emma' })), refusedWith(Status.E_UNAVAILABLE, 1))
    await second.served
    const elsewhere = await open({ streams: budget }, await remotePeer('10.0.0.2'))
    assert.equal((await elsewhere.client.request(request({ query: 'emma' }))).total, 1)
    assert.equal(budget.refused, 1, 'the budget counts what it refused')
  })
})
