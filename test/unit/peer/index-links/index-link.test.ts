// The index link against a fake index served with serveRequests on the other end of in-memory
// stream pairs: full registration in batches, deltas, renewal at half the lease, registering again
// when the index forgot us or the connection dropped (asking first by digest whether it still holds
// our listing), withdrawing on stop (keeping the listing), and resuming a kept listing at start when
// the index's digest confirms it.
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { bookIdOf, CHUNK_SIZE, parseBookId } from '../../../../src/content/book-id.js'
import { IndexLink, type IndexConnection, type IndexLinkInit } from '../../../../src/peer/index-links/index-link.js'
import { RequestError } from '../../../../src/wire/errors.js'
import { REGISTER, Reachability, RegisterRequest, Status } from '../../../../src/wire/messages.js'
import { LIMITS } from '../../../../src/wire/protocols.js'
import { listingDigest } from '../../../../src/wire/listing-digest.js'
import { bookFromWire, type BookRecord } from '../../../../src/wire/records.js'
import { PreviousListing } from '../../../../src/peer/serving/previous-listing.js'
import { serveRequests } from '../../../../src/wire/request-loop.js'
import { eventually } from '../../../helpers.js'
import { streamPair } from '../../../support/stream-pairs.js'
import type { SharedBooks, ShelfEntry, ShelfEvents } from '../../../../src/peer/serving/shelf.js'
import type { ProviderReachability } from '../../../../src/wire/records.js'
import type { PeerId, Stream } from '@libp2p/interface'

const log = logger('arkshare:test')

/** A distinct small book per number. */
function book (n: number): ShelfEntry {
  const chunkHashes = new Uint8Array(32)
  new DataView(chunkHashes.buffer).setUint32(0, n)
  const manifest = { size: 1_000, chunkSize: CHUNK_SIZE, chunkHashes }
  return { id: bookIdOf(manifest).toString(), title: `Book ${n}`, author: 'Anonymous', format: 'txt', language: 'en', size: 1_000, fileName: `book-${n}.txt`, path: `/books/${n}.txt`, manifest, mtimeMs: 0 }
}

class FakeShelf extends TypedEventEmitter<Pick<ShelfEvents, 'change'>> implements SharedBooks {
  /** Settles when the test says the first scan is done (at once unless told otherwise). */
  scanned: Promise<void> = Promise.resolve()

  constructor (public entries: ShelfEntry[]) { super() }

  async whenScanned (): Promise<void> { await this.scanned }

  list (): ShelfEntry[] { return this.entries }

  change (added: ShelfEntry[], removed: ShelfEntry[]): void {
    this.entries = [...this.entries.filter(e => !removed.includes(e)), ...added]
    this.safeDispatchEvent('change', { detail: { added, removed: removed.map(e => e.id) } })
  }
}

interface Received { request: RegisterRequest, at: number }

/** An index that keeps one listing per registration, answering on every stream a link opens. */
class FakeIndex {
  readonly received: Received[] = []
  readonly listed = new Set<string>()
  /** The listing as received, for its digest. */
  readonly records = new Map<string, BookRecord>()
  /** Whether it knows listing digests (spec 5.2.1), as an index of this version does. */
  digests = true
  readonly streams: Stream[] = []
  /** The lease granted, seconds. */
  ttl = 60
  /** An error status to answer a request with instead. */
  refuse?: (request: RegisterRequest) => Status | undefined

  constructor (readonly peerId: PeerId) {}

  readonly dial = async (): Promise<IndexConnection> => ({
    remotePeer: this.peerId,
    newStream: async (protocol) => {
      assert.equal(protocol, REGISTER.protocol)
      const [client, server] = await streamPair()
      this.streams.push(client, server)
      void serveRequests({
        stream: server,
        log,
        exchange: REGISTER,
        errorResponse: (status, message, retryAfterSeconds) => ({ status, message, ttl: 0, books: 0, retryAfterSeconds }),
        handle: async (request) => ({ response: this.answer(request), last: request.type === RegisterRequest.Type.UNREGISTER })
      })
      return client
    }
  })

  private answer (request: RegisterRequest): { status: Status, message: string, ttl: number, books: number, retryAfterSeconds: number, listingDigest?: Uint8Array<ArrayBuffer> } {
    this.received.push({ request, at: Date.now() })
    const refused = this.refuse?.(request)
    if (refused != null) throw new RequestError(refused, 'refused by the test')
    const kept = request.keepListing === true && this.digests
    if (request.replace || (request.type === RegisterRequest.Type.UNREGISTER && !kept)) { this.listed.clear(); this.records.clear() }
    for (const b of request.books) { this.listed.add(parseBookId(b.id).toString()); this.records.set(parseBookId(b.id).toString(), bookFromWire(b)) }
    for (const r of request.remove) { this.listed.delete(parseBookId(r).toString()); this.records.delete(parseBookId(r).toString()) }
    const digest = this.digests ? listingDigest(this.records.values()) as Uint8Array<ArrayBuffer> : undefined
    return { status: Status.OK, message: '', ttl: this.ttl, books: this.listed.size, retryAfterSeconds: 0, listingDigest: digest }
  }

  of (type: RegisterRequest.Type): Received[] {
    return this.received.filter(r => r.request.type === type)
  }

  close (): void {
    for (const s of this.streams) s.abort(new Error('test over'))
  }
}

describe('index link', () => {
  let index: FakeIndex
  let shelf: FakeShelf
  let link: IndexLink

  beforeEach(async () => {
    index = new FakeIndex(peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
    shelf = new FakeShelf([book(1), book(2), book(3)])
  })
  afterEach(async () => {
    await link?.stop()
    index.close()
  })

  function startLink (extra: Partial<IndexLinkInit> = {}, previous?: PreviousListing): IndexLink {
    link = new IndexLink({ address: multiaddr('/ip4/127.0.0.1/tcp/4001'), dial: index.dial, books: shelf, log, ...extra })
    link.start(previous)
    return link
  }

  /** Registers `books` in full with the index, then stops keeping the listing there (a peer stopping). */
  async function registerAndStop (books: ShelfEntry[]): Promise<void> {
    shelf = new FakeShelf(books)
    startLink()
    await eventually(() => link.status().registered, 5_000, 'registered')
    await link.stop()
    index.received.length = 0
  }

  it('registers the whole shelf in batches of at most 1,000 books, replacing what the index had', async () => {
    shelf.entries = Array.from({ length: 2_500 }, (_, n) => book(n))
    startLink()
    await eventually(() => link.status().registered, 5_000, 'registered')
    const puts = index.of(RegisterRequest.Type.PUT).map(r => r.request)
    assert.equal(LIMITS.register.maxBooksPerMessage, 1_000)
    assert.deepEqual(puts.map(p => p.books.length), [1_000, 1_000, 500])
    assert.deepEqual(puts.map(p => p.replace), [true, false, false])
    assert.equal(index.listed.size, 2_500)
    assert.equal(link.status().books, 2_500)
    assert.equal(link.status().peerId, index.peerId.toString())
  })

  it('sends changes to the shelf as deltas: new books, then removals', async () => {
    startLink()
    await eventually(() => link.status().registered, 5_000, 'registered')
    const [gone] = shelf.entries
    shelf.change([book(4), book(5)], [gone])
    await eventually(() => index.of(RegisterRequest.Type.REMOVE).length === 1, 5_000, 'removal sent')
    const [full, added] = index.of(RegisterRequest.Type.PUT).map(r => r.request)
    assert.equal(full.replace, true)
    assert.equal(added.replace, false)
    assert.deepEqual(added.books.map(b => parseBookId(b.id).toString()), [book(4).id, book(5).id])
    assert.deepEqual(index.of(RegisterRequest.Type.REMOVE)[0].request.remove.map(r => parseBookId(r).toString()), [gone.id])
    assert.deepEqual([...index.listed].sort(), [book(2).id, book(3).id, book(4).id, book(5).id].sort())
  })

  it('renews at half the lease it was granted', async () => {
    index.ttl = 3
    startLink()
    await eventually(() => index.of(RegisterRequest.Type.RENEW).length >= 2, 6_000, 'two renewals')
    const [put] = index.of(RegisterRequest.Type.PUT)
    const [first, second] = index.of(RegisterRequest.Type.RENEW)
    for (const [from, to] of [[put, first], [first, second]]) {
      const gap = to.at - from.at
      assert.ok(gap >= 1_450 && gap < 2_600, `renewed ${gap} ms after the last reply, for a 3 s lease`)
    }
    assert.equal(link.status().leaseSeconds, 3)
  })

  it('registers in full again when the index answers a renewal with E_NOT_FOUND', async () => {
    index.ttl = 1
    let forgotten = false
    index.refuse = (request) => {
      if (request.type !== RegisterRequest.Type.RENEW || forgotten) return undefined
      forgotten = true
      index.listed.clear()
      index.records.clear()
      return Status.E_NOT_FOUND
    }
    startLink()
    await eventually(() => forgotten && index.of(RegisterRequest.Type.PUT).length === 2 && link.status().registered, 6_000, 'registered again')
    const types = index.received.map(r => r.request.type)
    // it asks first whether the index still holds its listing (by its digest): it does not
    assert.deepEqual(types.slice(0, 4), [RegisterRequest.Type.PUT, RegisterRequest.Type.RENEW, RegisterRequest.Type.RENEW, RegisterRequest.Type.PUT])
    assert.ok(index.received[2].request.listingDigest != null)
    assert.equal(index.received[3].request.replace, true)
    assert.equal(link.status().how, 'full')
    assert.equal(index.listed.size, 3)
    assert.equal(link.status().lastError, undefined)
  })

  it('when the connection to its index drops, resumes the listing the index still holds, else registers in full', async () => {
    startLink()
    await eventually(() => link.status().registered, 5_000, 'registered')
    link.peerDisconnected(peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
    link.peerDisconnected(index.peerId)
    await eventually(() => index.received.length === 2 && link.status().registered, 5_000, 'registered again')
    assert.equal(index.received[1].request.type, RegisterRequest.Type.RENEW, 'only the index\'s own disconnect counts, and it asks by digest')
    assert.ok(index.received[1].request.listingDigest != null)
    assert.equal(link.status().how, 'resumed')
    assert.equal(index.of(RegisterRequest.Type.PUT).length, 1, 'no book sent again')
    // the index lost the listing (restarted without it): the digests differ, a full registration follows
    index.listed.clear()
    index.records.clear()
    link.peerDisconnected(index.peerId)
    await eventually(() => index.of(RegisterRequest.Type.PUT).length === 2 && link.status().registered, 5_000, 'registered in full')
    assert.equal(index.of(RegisterRequest.Type.PUT)[1].request.replace, true)
    assert.equal(index.received.at(-2)?.request.type, RegisterRequest.Type.RENEW)
    assert.equal(index.listed.size, 3)
    assert.equal(link.status().how, 'full')
  })

  it('tells the index how it can be reached, and renews at once when that changes', async () => {
    let now: ProviderReachability = 'unknown'
    let registrations = 0
    startLink({ reachability: () => now, onRegistered: () => { registrations++ } })
    await eventually(() => link.status().registered, 5_000, 'registered')
    assert.equal(index.of(RegisterRequest.Type.PUT)[0].request.reachability, Reachability.UNKNOWN)
    now = 'relay-only'
    link.reachabilityChanged()
    await eventually(() => index.of(RegisterRequest.Type.RENEW).length === 1, 2_000, 'a renewal long before half the 60 s lease')
    assert.equal(index.of(RegisterRequest.Type.RENEW)[0].request.reachability, Reachability.RELAY_ONLY)
    assert.equal(registrations, 2, 'the full registration and the renewal')
    // told once: no more renewals until the lease is half gone
    link.reachabilityChanged()
    await new Promise(resolve => setTimeout(resolve, 300))
    assert.equal(index.of(RegisterRequest.Type.RENEW).length, 1)
  })

  it('withdraws its registration when it stops', async () => {
    startLink()
    await eventually(() => link.status().registered, 5_000, 'registered')
    await link.stop()
    assert.equal(index.received.at(-1)?.request.type, RegisterRequest.Type.UNREGISTER)
    assert.equal(index.received.at(-1)?.request.keepListing, true, 'asks the index to keep the listing for a restart')
  })

  it('resumes the listing it left at the index, sending only what changed meanwhile', async () => {
    await registerAndStop([book(1), book(2), book(3)])
    const renamed = { ...book(2), title: 'Book 2, renamed' }
    shelf = new FakeShelf([book(1), renamed, book(4)])
    startLink({}, new PreviousListing([book(1), book(2), book(3)]))
    await eventually(() => link.status().books === 3 && index.of(RegisterRequest.Type.REMOVE).length === 1, 5_000, 'the difference sent')
    assert.equal(link.status().how, 'resumed')
    assert.equal(index.received[0].request.type, RegisterRequest.Type.RENEW)
    assert.ok(index.received[0].request.listingDigest != null)
    const puts = index.of(RegisterRequest.Type.PUT)
    assert.deepEqual(puts.map(p => [p.request.replace, p.request.books.map(b => b.title).sort()]), [[false, ['Book 2, renamed', 'Book 4']]])
    assert.deepEqual([...index.records.values()].map(b => b.title).sort(), ['Book 1', 'Book 2, renamed', 'Book 4'])
  })

  it('resumes before the shelf\'s first scan is done, and sends the difference only after it', async () => {
    await registerAndStop([book(1), book(2), book(3)])
    shelf = new FakeShelf([book(1), book(2), book(3)])
    let scanDone = (): void => {}
    shelf.scanned = new Promise(resolve => { scanDone = resolve })
    startLink({}, new PreviousListing([book(1), book(2), book(3)]))
    await eventually(() => link.status().registered, 5_000, 'resumed')
    assert.deepEqual([link.status().how, link.status().books], ['resumed', 3])
    // the scan finds book 3 gone and book 4 new
    shelf.change([book(4)], [shelf.entries[2]])
    await new Promise(resolve => setTimeout(resolve, 200))
    assert.deepEqual(index.received.map(r => r.request.type), [RegisterRequest.Type.RENEW], 'nothing sent before the scan is done')
    scanDone()
    await eventually(() => index.of(RegisterRequest.Type.REMOVE).length === 1, 5_000, 'the difference sent')
    assert.deepEqual(index.of(RegisterRequest.Type.PUT).map(p => p.request.books.map(b => b.title)), [['Book 4']])
    assert.deepEqual([...index.records.values()].map(b => b.title).sort(), ['Book 1', 'Book 2', 'Book 4'])
  })

  it('keeps renewing a resumed lease while the first scan lasts', async () => {
    await registerAndStop([book(1), book(2)])
    index.ttl = 2
    shelf = new FakeShelf([book(1), book(2)])
    let scanDone = (): void => {}
    shelf.scanned = new Promise(resolve => { scanDone = resolve })
    startLink({}, new PreviousListing([book(1), book(2)]))
    await eventually(() => index.of(RegisterRequest.Type.RENEW).length >= 3, 10_000, 'renewals during the scan')
    assert.deepEqual(index.received.map(r => r.request.type).filter(t => t !== RegisterRequest.Type.RENEW), [], 'nothing else before the scan is done')
    scanDone()
    await new Promise(resolve => setTimeout(resolve, 200))
    assert.equal(link.status().how, 'resumed')
    assert.deepEqual(index.of(RegisterRequest.Type.PUT), [], 'nothing changed: nothing sent')
  })

  it('registers in full when the index holds another listing, knows no digests, or forgot us', async () => {
    for (const setup of ['other listing', 'no digests', 'forgotten'] as const) {
      await registerAndStop([book(1), book(2)])
      if (setup === 'no digests') index.digests = false
      if (setup === 'forgotten') index.refuse = (r) => r.type === RegisterRequest.Type.RENEW ? Status.E_NOT_FOUND : undefined
      const previous = new PreviousListing(setup === 'other listing' ? [book(1)] : [book(1), book(2)])
      shelf = new FakeShelf([book(1), book(2), book(5)])
      startLink({}, previous)
      await eventually(() => link.status().registered && link.status().books === 3, 5_000, setup)
      assert.equal(link.status().how, 'full', setup)
      assert.deepEqual(index.of(RegisterRequest.Type.PUT).map(p => [p.request.replace, p.request.books.length]), [[true, 3]], setup)
      await link.stop()
      index.digests = true
      index.refuse = undefined
    }
  })
})
