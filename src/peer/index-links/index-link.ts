// This peer's standing with one index: registers the whole shelf, sends changes as deltas, renews
// the lease before it lapses, and starts over by itself when the index restarts, forgets us, or the
// connection drops. Stopping, it leaves results but asks the index to keep its listing; starting
// again, it resumes that listing when the index confirms it still holds it (spec 5.2.1). It
// reaches the index through `dial` (index-dialer.ts over libp2p; tests hand it one end of an
// in-memory stream pair).
import { REGISTER, SEARCH, Reachability, RegisterRequest, Status, type Book, type ExchangeSpec, type RegisterResponse, type SearchRequest, type SearchResponse } from '../../wire/messages.js'
import { ArkshareRemoteError, normaliseError } from '../../wire/errors.js'
import { sameDigest } from '../../wire/listing-digest.js'
import { LIMITS } from '../../wire/protocols.js'
import { bookToWire, fitBook, reachabilityToWire, type BookRecord, type ProviderReachability } from '../../wire/records.js'
import { RequestChannel } from '../../wire/request-channel.js'
import { parseBookId } from '../../content/book-id.js'
import { DEFAULT_TTL_SECONDS, DIAL_TIMEOUT_MS, INDEX_MAX_BACKOFF_MS, INDEX_MIN_BACKOFF_MS, INDEX_MIN_RENEW_MS, INDEX_REQUEST_TIMEOUT_MS, UNREGISTER_TIMEOUT_MS } from '../constants.js'
import type { SharedBooks, ShelfChange } from '../serving/shelf.js'
import { PreviousListing } from '../serving/previous-listing.js'
import type { Connection, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { deadline } from '../../limits/deadline.js'

/** What a link needs of its connection to the index (a libp2p Connection is one). */
export type IndexConnection = Pick<Connection, 'remotePeer' | 'newStream'>

export interface IndexLinkInit {
  address: Multiaddr
  /** Reaches the index; called for each new stream (the connection is usually open already). */
  dial: (signal: AbortSignal) => Promise<IndexConnection>
  /** The books to register; without them (a peer that shares nothing) the link only searches. */
  books?: SharedBooks
  /**
   * Lease to ask the index for, seconds (0 = the index's default).
   *
   * @default DEFAULT_TTL_SECONDS
   */
  ttlSeconds?: number
  /** Called after each registration (full, or resumed) and each renewal, with the index's peer ID. */
  onRegistered?: (index: PeerId, how: RegisteredHow) => void
  /** How others can reach us, told with each PUT and RENEW (absent: unknown). */
  reachability?: () => ProviderReachability
  log: Logger
}

/** How a registration was made: every book sent, or a kept listing confirmed and only the difference sent. */
export type RegisteredHow = 'full' | 'resumed'

export interface IndexStatus {
  address: string
  peerId?: string
  registered: boolean
  /** How the registration now held was made (absent while not registered). */
  how?: RegisteredHow
  books: number
  leaseSeconds: number
  lastError?: string
}

type RegisterChannel = RequestChannel<RegisterRequest, RegisterResponse>
type SearchChannel = RequestChannel<SearchRequest, SearchResponse>

/** One of our books as we list it with an index: within every limit the index checks. */
function listing (book: BookRecord): Book {
  return bookToWire(fitBook(book))
}

function registerRequest (partial: Partial<RegisterRequest>): RegisterRequest {
  return { type: RegisterRequest.Type.PUT, replace: false, books: [], remove: [], ttl: 0, reachability: Reachability.UNKNOWN, ...partial }
}

export class IndexLink {
  readonly address: Multiaddr
  private indexPeer?: PeerId
  private registerChannel?: RegisterChannel
  private searchChannel?: SearchChannel
  private needsFull = true
  private how: RegisteredHow = 'full'
  /** The listing left at the index when we last stopped, until the index has said whether it holds it. */
  private previous?: PreviousListing
  /** `previous` is the shelf as it was when the connection dropped: later changes are in the pending deltas. */
  private previousIsShelf = false
  /** The listing the index confirmed it holds, until the difference to the scanned shelf is worked out. */
  private resumedFrom?: PreviousListing
  private readonly pendingAdds = new Map<string, ShelfChange['added'][number]>()
  private readonly pendingRemoves = new Set<string>()
  private grantedTtl = 0
  /** The reachability the index last heard from us. */
  private toldReachability?: ProviderReachability
  private renewAt = 0
  private books = 0
  private lastError?: string
  private stopped = true
  /** Aborts requests in flight when the link stops. */
  private halt = new AbortController()
  private wake?: () => void
  private loop?: Promise<void>

  constructor (private readonly init: IndexLinkInit) {
    this.address = init.address
    this.onBooksChange = this.onBooksChange.bind(this)
  }

  /**
   * Starts keeping a registration (when this peer shares books). With `previous`, the listing left
   * at the index when this peer last stopped, it first tries to resume that (checked by digest).
   */
  start (previous?: PreviousListing): void {
    this.stopped = false
    this.needsFull = true
    this.previous = previous
    this.previousIsShelf = false
    this.halt = new AbortController()
    if (this.init.books == null) return
    this.init.books.addEventListener('change', this.onBooksChange)
    this.loop = this.run()
  }

  /** Withdraws our registration (best effort, bounded) and stops. */
  async stop (): Promise<void> {
    this.stopped = true
    this.halt.abort(new Error('stopping'))
    this.init.books?.removeEventListener('change', this.onBooksChange)
    this.wake?.()
    await this.loop
    // the lease may have been granted even if we stopped waiting for the reply: withdraw it anyway,
    // keeping the listing at the index so that a restart can resume it (an older index drops it)
    if (this.init.books != null && this.indexPeer != null) {
      await this.register(registerRequest({ type: RegisterRequest.Type.UNREGISTER, keepListing: true }), AbortSignal.timeout(UNREGISTER_TIMEOUT_MS)).catch(() => {})
    }
    await this.registerChannel?.close()
    await this.searchChannel?.close()
  }

  status (): IndexStatus {
    const registered = this.init.books != null && !this.needsFull && this.grantedTtl > 0
    return {
      address: this.address.toString(),
      peerId: this.indexPeer?.toString(),
      registered,
      how: registered ? this.how : undefined,
      books: this.books,
      leaseSeconds: this.grantedTtl,
      lastError: this.lastError
    }
  }

  /** Our reachability changed: tell the index now (a RENEW carries it). */
  reachabilityChanged (): void {
    this.wake?.()
  }

  /** A peer disconnected: when it is our index, we register again. */
  peerDisconnected (peer: PeerId): void {
    if (this.indexPeer?.equals(peer) === true) {
      this.registerAgain()
      this.wake?.()
    }
  }

  /**
   * The next turn registers again. Registered with nothing left to send, the index holds our shelf
   * as it is now unless it lost it: that is asked first, by its digest (spec 5.2.1), so that a
   * dropped connection or the index's restart does not send every book again; a full registration
   * follows when the index does not hold it.
   */
  private registerAgain (): void {
    if (!this.needsFull && this.previous == null && this.resumedFrom == null && this.pendingAdds.size === 0 && this.pendingRemoves.size === 0) {
      this.previous = new PreviousListing(this.init.books?.list() ?? [])
      this.previousIsShelf = true
    }
    this.needsFull = true
  }

  private onBooksChange (evt: CustomEvent<ShelfChange>): void {
    // a resumed listing waits for the difference to the scanned shelf, which holds every change
    // (the first scan's is the whole shelf: 100,000 pending books for nothing)
    if (this.resumedFrom != null) return
    for (const entry of evt.detail.added) { this.pendingRemoves.delete(entry.id); this.pendingAdds.set(entry.id, entry) }
    for (const id of evt.detail.removed) { this.pendingAdds.delete(id); this.pendingRemoves.add(id) }
    this.wake?.()
  }

  private signal (ms: number): AbortSignal {
    return deadline(ms, this.halt.signal)
  }

  private async openChannel<Req, Res extends RegisterResponse | SearchResponse> (exchange: ExchangeSpec<Req, Res>, signal: AbortSignal): Promise<RequestChannel<Req, Res>> {
    const connection = await this.init.dial(signal)
    this.indexPeer = connection.remotePeer
    const stream = await connection.newStream(exchange.protocol, { signal })
    return new RequestChannel(stream, exchange)
  }

  private async register (request: RegisterRequest, signal = this.signal(INDEX_REQUEST_TIMEOUT_MS)): Promise<RegisterResponse> {
    // the index closes idle streams, so a renewal minutes later usually opens a fresh one
    if (this.registerChannel?.usable !== true) this.registerChannel = await this.openChannel(REGISTER, signal)
    const reachability = this.init.reachability?.() ?? 'unknown'
    const reply = await this.registerChannel.request({ ...request, ttl: this.init.ttlSeconds ?? DEFAULT_TTL_SECONDS, reachability: reachabilityToWire(reachability) }, signal)
    if (request.type === RegisterRequest.Type.PUT || request.type === RegisterRequest.Type.RENEW) this.toldReachability = reachability
    this.grantedTtl = reply.ttl
    this.books = reply.books
    // renew at half the lease, so one lost renewal still leaves time for another
    this.renewAt = Date.now() + Math.max(INDEX_MIN_RENEW_MS, reply.ttl * 500)
    return reply
  }

  /**
   * Waits for the shelf's first scan (the list is what the hash cache remembers until then),
   * renewing a lease we hold meanwhile: a scan that outlasted it would leave the difference sent to
   * an index that had deleted the rest. Throws when the link stops.
   */
  private async untilScanned (): Promise<void> {
    const scanned = this.init.books?.whenScanned?.()
    if (scanned == null) return
    const scan = { done: false }
    const finished = (): void => { scan.done = true; this.wake?.() }
    void scanned.then(finished, finished)
    // a settled promise has run its callbacks by the next turn
    await Promise.resolve()
    while (!scan.done) {
      if (this.stopped) throw new Error('stopping')
      if (this.grantedTtl > 0 && Date.now() >= this.renewAt) await this.register(registerRequest({ type: RegisterRequest.Type.RENEW }))
      await this.sleep(this.grantedTtl > 0 ? Math.max(0, this.renewAt - Date.now()) : INDEX_MAX_BACKOFF_MS)
    }
  }

  /** Resumes the listing we left at the index if it still holds it (at once, scan or not), else registers in full once the shelf is scanned. */
  private async registerOrResume (): Promise<void> {
    const previous = this.previous
    if (previous != null) {
      const resumed = await this.resume(previous)
      // asked once: whatever the answer, a later registration is a full one
      this.previous = undefined
      if (resumed) return
    }
    await this.untilScanned()
    await this.registerFull()
  }

  /** Once the shelf is scanned, queues the difference between it and the resumed listing as deltas. */
  private async queueDifference (resumedFrom: PreviousListing): Promise<void> {
    await this.untilScanned()
    const { added, removed } = resumedFrom.changesTo(this.init.books?.list() ?? [])
    // the scan's change events are in this difference (the first one holds the whole shelf)
    this.pendingAdds.clear()
    this.pendingRemoves.clear()
    for (const entry of added) this.pendingAdds.set(entry.id, entry)
    for (const id of removed) this.pendingRemoves.add(id)
    this.resumedFrom = undefined
    this.init.log('%a: %d books to add or change, %d to remove since we stopped', this.address, added.length, removed.length)
  }

  private async registerFull (): Promise<void> {
    this.resumedFrom = undefined
    this.pendingAdds.clear()
    this.pendingRemoves.clear()
    const books = this.init.books?.list() ?? []
    const batch = LIMITS.register.maxBooksPerMessage
    // listed a message at a time: 100,000 books in their wire form at once are tens of MiB
    for (let i = 0; i === 0 || i < books.length; i += batch) {
      await this.register(registerRequest({ replace: i === 0, books: books.slice(i, i + batch).map(listing) }))
    }
    this.needsFull = false
    this.how = 'full'
    this.init.log('registered %d books with %a', books.length, this.address)
    if (this.indexPeer != null) this.init.onRegistered?.(this.indexPeer, 'full')
  }

  /**
   * Asks the index whether it still holds the listing we left there (RENEW with its digest). If it
   * does, we are listed again and only the difference to the scanned shelf is left to send; true.
   * False when it does not (or forgot us, or does not know digests: no digest in its reply).
   */
  private async resume (previous: PreviousListing): Promise<boolean> {
    const digest = previous.digest
    let reply: RegisterResponse
    try {
      reply = await this.register(registerRequest({ type: RegisterRequest.Type.RENEW, listingDigest: digest as Uint8Array<ArrayBuffer> }))
    } catch (err) {
      if (err instanceof ArkshareRemoteError && err.status === Status.E_NOT_FOUND) return false
      throw err
    }
    if (!sameDigest(reply.listingDigest, digest)) {
      this.init.log('index %a does not hold the %d books we left there: registering in full', this.address, previous.size)
      return false
    }
    // a listing left at a stop is compared with the scanned shelf; the shelf itself needs no comparing
    // (100,000 hashes again): what changed since is in the pending deltas
    if (!this.previousIsShelf) this.resumedFrom = previous
    this.needsFull = false
    this.how = 'resumed'
    this.init.log('resumed %d books with %a', previous.size, this.address)
    if (this.indexPeer != null) this.init.onRegistered?.(this.indexPeer, 'resumed')
    return true
  }

  private async sendDelta (): Promise<void> {
    const adds = [...this.pendingAdds.values()].slice(0, LIMITS.register.maxBooksPerMessage)
    if (adds.length > 0) {
      await this.register(registerRequest({ books: adds.map(listing) }))
      for (const a of adds) this.pendingAdds.delete(a.id)
    }
    const removes = [...this.pendingRemoves].slice(0, LIMITS.register.maxRemovesPerMessage)
    if (removes.length > 0) {
      await this.register(registerRequest({ type: RegisterRequest.Type.REMOVE, remove: removes.map(id => parseBookId(id).bytes as Uint8Array<ArrayBuffer>) }))
      for (const r of removes) this.pendingRemoves.delete(r)
    }
  }

  private async sleep (ms: number): Promise<void> {
    if (this.stopped) return
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, ms)
      this.wake = () => { clearTimeout(timer); resolve() }
    })
    this.wake = undefined
  }

  private async run (): Promise<void> {
    let backoff = INDEX_MIN_BACKOFF_MS
    while (!this.stopped) {
      try {
        const resumedFrom = this.resumedFrom
        if (this.needsFull) {
          await this.registerOrResume()
        } else if (resumedFrom != null) {
          await this.queueDifference(resumedFrom)
        } else if (this.pendingAdds.size > 0 || this.pendingRemoves.size > 0) {
          await this.sendDelta()
        } else if (Date.now() >= this.renewAt || this.toldReachability !== (this.init.reachability?.() ?? 'unknown')) {
          await this.register(registerRequest({ type: RegisterRequest.Type.RENEW }))
          if (this.indexPeer != null) this.init.onRegistered?.(this.indexPeer, this.how)
        }
        this.lastError = undefined
        backoff = INDEX_MIN_BACKOFF_MS
        if (!this.needsFull && this.resumedFrom == null && this.pendingAdds.size === 0 && this.pendingRemoves.size === 0) {
          await this.sleep(Math.max(0, this.renewAt - Date.now()))
        }
      } catch (e) {
        const err = normaliseError(e)
        this.lastError = err.message
        this.init.log('index %a: %s', this.address, err.message)
        if (this.stopped) break
        this.registerAgain()
        this.grantedTtl = 0
        const wait = err instanceof ArkshareRemoteError && err.status === Status.E_RATE_LIMITED && err.retryAfterSeconds > 0
          ? err.retryAfterSeconds * 1000
          : backoff
        backoff = Math.min(backoff * 2, INDEX_MAX_BACKOFF_MS)
        await this.sleep(wait)
      }
    }
  }

  /** One search request to this index. */
  async search (request: Partial<SearchRequest>, signal?: AbortSignal): Promise<SearchResponse> {
    // derived file names: mergeAnswers fills in what the index left out (spec 5.3)
    const full: SearchRequest = { query: '', limit: 0, offset: 0, provider: new Uint8Array(0), bookId: new Uint8Array(0), stats: false, derivedFileNames: true, ...request }
    // the caller's signal may be a download's, which lasts as long as the download: an index that
    // does not answer still gets only so long
    const bounded = deadline(INDEX_REQUEST_TIMEOUT_MS, signal)
    const started = Date.now()
    try {
      if (this.searchChannel?.usable !== true) this.searchChannel = await this.openChannel(SEARCH, deadline(DIAL_TIMEOUT_MS, bounded))
      return await this.searchChannel.request(full, bounded)
    } catch (err) {
      this.init.log('search at %a failed after %d ms: %s', this.address, Date.now() - started, normaliseError(err).message)
      throw err
    }
  }
}
