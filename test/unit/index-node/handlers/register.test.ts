// The register handler over an in-memory stream pair, with a real in-memory catalog: leases and
// listings on one stream, and each refusal it answers with.
import assert from 'node:assert/strict'
import { Catalog } from '../../../../src/index-node/catalog/catalog.js'
import { DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS } from '../../../../src/index-node/constants.js'
import { RegisterHandler, type RegisterHandlerInit } from '../../../../src/index-node/handlers/register.js'
import { SearchCache } from '../../../../src/index-node/search-cache.js'
import { PeerRateLimiter } from '../../../../src/limits/peer-rate-limiter.js'
import { listingDigest, sameDigest } from '../../../../src/wire/listing-digest.js'
import { ArkshareRemoteError, Status } from '../../../../src/wire/errors.js'
import { REGISTER, Reachability, RegisterRequest } from '../../../../src/wire/messages.js'
import { nextEvent } from '../../../../src/wire/next-event.js'
import { book, log, peerStoreWith, remotePeer, serve, streamBudget, wireBook, type Served } from './fixtures.js'
import type { StreamOrigin } from '../../../../src/index-node/handlers/index-stream.js'
import type { RegisterResponse } from '../../../../src/wire/messages.js'

const ADDR = '/ip4/10.0.0.1/tcp/4001'

function request (type: RegisterRequest.Type, fields: Partial<RegisterRequest> = {}): RegisterRequest {
  return { type, replace: false, books: [], remove: [], ttl: 0, reachability: Reachability.UNKNOWN, ...fields }
}

const refusedWith = (status: Status, retryAfterSeconds?: number) => (err: Error): boolean =>
  err instanceof ArkshareRemoteError && err.status === status && (retryAfterSeconds == null || err.retryAfterSeconds === retryAfterSeconds)

describe('register handler', () => {
  let clock: number
  let catalog: Catalog
  let origin: StreamOrigin
  let peer: string
  const streams: Array<Served<RegisterRequest, RegisterResponse>> = []

  beforeEach(async () => {
    clock = 1_000_000
    catalog = new Catalog({ path: ':memory:', now: () => clock })
    origin = await remotePeer()
    peer = origin.remotePeer.toString()
  })
  afterEach(async () => {
    for (const { client } of streams.splice(0)) client.abort(new Error('test over'))
    catalog.close()
  })

  async function open (init: Partial<RegisterHandlerInit> = {}, from = origin): Promise<Served<RegisterRequest, RegisterResponse>> {
    const handler = new RegisterHandler({
      catalog: () => catalog,
      rateLimiter: new PeerRateLimiter(120),
      streams: streamBudget(),
      log,
      ttl: { default: DEFAULT_TTL_SECONDS, min: MIN_TTL_SECONDS, max: MAX_TTL_SECONDS },
      peerStore: peerStoreWith(ADDR),
      cache: new SearchCache(10, 5_000, () => clock),
      now: () => clock,
      ...init
    })
    const served = await serve(handler, from, REGISTER)
    streams.push(served)
    return served
  }

  it('lists the peer with the reachability its last PUT or RENEW told', async () => {
    const { client } = await open()
    const reachability = (): string | undefined => catalog.search(undefined, { bookId: book(1, '').id }).hits[0]?.providers[0]?.reachability
    await client.request(request(RegisterRequest.Type.PUT, { books: [wireBook(1, 'Moby Dick')], reachability: Reachability.RELAY_ONLY }))
    assert.equal(reachability(), 'relay-only')
    await client.request(request(RegisterRequest.Type.RENEW, { reachability: Reachability.UPNP }))
    assert.equal(reachability(), 'upnp')
  })

  it('puts, removes, renews and unregisters on one stream', async () => {
    const { client, served } = await open()
    const put = await client.request(request(RegisterRequest.Type.PUT, { books: [wireBook(1, 'Moby Dick'), wireBook(2, 'Emma')] }))
    assert.deepEqual([put.status, put.books, put.ttl], [Status.OK, 2, DEFAULT_TTL_SECONDS], 'ttl 0 is the default lease')
    assert.equal(catalog.leaseExpiresAt(peer), clock + DEFAULT_TTL_SECONDS * 1000)
    const hit = catalog.search(undefined, { bookId: book(1, '').id }).hits[0]
    assert.deepEqual(hit.providers.map(p => [p.peerId, p.multiaddrs]), [[peer, [ADDR]]], 'listed under the stream\'s peer, at its peer-store address')

    clock += 10_000
    const removed = await client.request(request(RegisterRequest.Type.REMOVE, { remove: [wireBook(1, '').id] }))
    assert.deepEqual([removed.books, removed.ttl], [1, DEFAULT_TTL_SECONDS - 10], 'the lease left')

    const renewed = await client.request(request(RegisterRequest.Type.RENEW, { ttl: 60 }))
    assert.deepEqual([renewed.books, renewed.ttl], [1, 60])
    assert.equal(catalog.leaseExpiresAt(peer), clock + 60_000)

    const gone = await client.request(request(RegisterRequest.Type.UNREGISTER))
    assert.deepEqual([gone.status, gone.books, gone.ttl], [Status.OK, 0, 0])
    assert.equal(catalog.leaseExpiresAt(peer), undefined)
    // the last reply: the handler closes its side without waiting for another request
    if (client.stream.remoteWriteStatus === 'writable') await nextEvent(client.stream, ['remoteCloseWrite', 'close'], AbortSignal.timeout(1_000))
    await client.close()
    await served
  })

  it('answers PUT, REMOVE and RENEW with the digest of the listing it holds', async () => {
    const { client } = await open()
    const put = await client.request(request(RegisterRequest.Type.PUT, { replace: true, books: [wireBook(1, 'Moby Dick'), wireBook(2, 'Emma')] }))
    assert.ok(sameDigest(put.listingDigest, listingDigest([book(1, 'Moby Dick'), book(2, 'Emma')])))
    const changed = await client.request(request(RegisterRequest.Type.PUT, { books: [wireBook(2, 'Emma, revised')] }))
    assert.ok(sameDigest(changed.listingDigest, listingDigest([book(1, 'Moby Dick'), book(2, 'Emma, revised')])))
    const removed = await client.request(request(RegisterRequest.Type.REMOVE, { remove: [wireBook(1, '').id] }))
    assert.ok(sameDigest(removed.listingDigest, listingDigest([book(2, 'Emma, revised')])))
    const renewed = await client.request(request(RegisterRequest.Type.RENEW))
    assert.ok(sameDigest(renewed.listingDigest, removed.listingDigest))
  })

  it('keeps a withdrawn listing out of results until a RENEW with its digest, or a PUT, shows it again', async () => {
    const cache = new SearchCache<string>(10, 5_000, () => clock)
    const listed = (): boolean => catalog.search(undefined, { bookId: book(1, '').id }).hits.length > 0
    const first = await open({ cache })
    const put = await first.client.request(request(RegisterRequest.Type.PUT, { replace: true, books: [wireBook(1, 'Moby Dick'), wireBook(2, 'Emma')] }))
    cache.set('a cached page', 'listing the peer')
    const withdrawn = await first.client.request(request(RegisterRequest.Type.UNREGISTER, { keepListing: true }))
    assert.deepEqual([withdrawn.status, withdrawn.books, withdrawn.ttl], [Status.OK, 2, DEFAULT_TTL_SECONDS], 'kept for the rest of the lease')
    assert.equal(listed(), false, 'out of results at once')
    assert.equal(cache.get('a cached page'), undefined, 'cached pages end at once')
    await first.client.close()
    await first.served
    // a restart: the peer reconnects (and identify tells its addresses) before it says anything
    catalog.markConnected(peer)
    catalog.upsertPeer(peer, [ADDR], catalog.leaseExpiresAt(peer) ?? 0)
    assert.equal(listed(), false, 'reconnecting alone does not show it')

    const second = await open({ cache })
    const wrong = await second.client.request(request(RegisterRequest.Type.RENEW, { listingDigest: listingDigest([book(1, 'Moby Dick')]) as Uint8Array<ArrayBuffer> }))
    assert.equal(wrong.status, Status.OK)
    assert.ok(sameDigest(wrong.listingDigest, put.listingDigest), 'the index says what it holds')
    assert.equal(listed(), false, 'a different digest does not show it')
    const right = await second.client.request(request(RegisterRequest.Type.RENEW, { listingDigest: put.listingDigest }))
    assert.deepEqual([right.books, sameDigest(right.listingDigest, put.listingDigest)], [2, true])
    assert.equal(listed(), true, 'the matching digest shows it again')

    await second.client.request(request(RegisterRequest.Type.UNREGISTER, { keepListing: true }))
    await second.client.close()
    await second.served
    const third = await open({ cache })
    await third.client.request(request(RegisterRequest.Type.PUT, { replace: true, books: [wireBook(1, 'Moby Dick')] }))
    assert.equal(listed(), true, 'a PUT shows it again')
    assert.equal(catalog.bookCount(peer), 1)
  })

  it('withdraws everything on UNREGISTER keep_listing without a live lease, and deletes a kept listing when its lease ends', async () => {
    const first = await open()
    await first.client.request(request(RegisterRequest.Type.PUT, { ttl: 60, books: [wireBook(1, 'Moby Dick')] }))
    await first.client.request(request(RegisterRequest.Type.UNREGISTER, { keepListing: true }))
    await first.client.close()
    await first.served
    clock += 60_000
    assert.equal(catalog.sweepExpired(), 1)
    assert.equal(catalog.bookCount(peer), 0)
    const second = await open()
    const gone = await second.client.request(request(RegisterRequest.Type.UNREGISTER, { keepListing: true }))
    assert.deepEqual([gone.status, gone.books, gone.ttl], [Status.OK, 0, 0])
    await assert.rejects(open().then(async ({ client }) => await client.request(request(RegisterRequest.Type.RENEW, { listingDigest: listingDigest([]) as Uint8Array<ArrayBuffer> }))), refusedWith(Status.E_NOT_FOUND))
  })

  it('refuses a lease outside the bounds with E_INVALID_TTL, registering nothing', async () => {
    const { client, served } = await open()
    await assert.rejects(client.request(request(RegisterRequest.Type.PUT, { ttl: MIN_TTL_SECONDS - 1, books: [wireBook(1, 'Emma')] })), refusedWith(Status.E_INVALID_TTL))
    await served
    assert.equal(catalog.leaseExpiresAt(peer), undefined)
  })

  it('answers E_NOT_FOUND to a RENEW or REMOVE without a live lease', async () => {
    const renew = await open()
    await assert.rejects(renew.client.request(request(RegisterRequest.Type.RENEW, { ttl: 60 })), refusedWith(Status.E_NOT_FOUND))
    const remove = await open()
    await assert.rejects(remove.client.request(request(RegisterRequest.Type.REMOVE, { remove: [wireBook(1, '').id] })), refusedWith(Status.E_NOT_FOUND))
    await Promise.all([renew.served, remove.served])
  })

  it('refuses a peer over its request rate with E_RATE_LIMITED and the seconds to wait', async () => {
    const { client, served } = await open({ rateLimiter: new PeerRateLimiter(1) })
    await client.request(request(RegisterRequest.Type.PUT, { books: [wireBook(1, 'Emma')] }))
    await assert.rejects(client.request(request(RegisterRequest.Type.RENEW)), refusedWith(Status.E_RATE_LIMITED, 60))
    await served
  })

  it('answers E_UNAVAILABLE past the stream budget, and serves again once a stream closes', async () => {
    const budget = streamBudget(1, 1)
    const first = await open({ streams: budget })
    await first.client.request(request(RegisterRequest.Type.PUT, { books: [wireBook(1, 'Emma')] }))
    const second = await open({ streams: budget }, await remotePeer('10.0.0.2'))
    await assert.rejects(second.client.request(request(RegisterRequest.Type.RENEW)), refusedWith(Status.E_UNAVAILABLE))
    await second.client.close()
    await second.served
    await first.client.close()
    await first.client.close()
    await first.served
    const third = await open({ streams: budget })
    assert.equal((await third.client.request(request(RegisterRequest.Type.RENEW))).status, Status.OK)
  })
})
