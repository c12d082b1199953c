// /arkshare/register: a peer's lease and the books it lists (PUT, REMOVE, RENEW, UNREGISTER), many
// requests on one stream. The registrant is always the stream's remote peer.
import { RequestError, Status } from '../../wire/errors.js'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { decodeBook, REGISTER_AT_INDEX, RegisterRequest, type RegisterRequestWithEncodedBooks, type RegisterResponse } from '../../wire/messages.js'
import { bookFromWire, reachabilityFromWire, type BookRecord } from '../../wire/records.js'
import type { BookSlices } from '../catalog/types.js'
import { sameDigest } from '../../wire/listing-digest.js'
import { BOOKS_READ_AT_ONCE } from '../constants.js'
import { CatalogLimitError } from '../errors.js'
import { listedAddresses } from '../listed-addresses.js'
import { requestedBookId, serveIndexStream, type HandlerInit, type StreamOrigin } from './index-stream.js'
import type { Reply } from '../../wire/request-loop.js'
import type { SearchCache } from '../search-cache.js'
import { isLoopback } from '@libp2p/utils'
import type { PeerId, PeerStore, Stream } from '@libp2p/interface'

/** Leases a peer may ask for, seconds; `default` is granted when it asks for none (ttl 0). */
export interface TtlBounds { default: number, min: number, max: number }

export interface RegisterHandlerInit extends HandlerInit {
  ttl: TtlBounds
  /** Where a peer's dialable addresses are read (identify writes them there). */
  peerStore: Pick<PeerStore, 'get'>
  /** Cached search pages: a peer withdrawing must leave them at once (spec 5.2, freshness). */
  cache: Pick<SearchCache<unknown>, 'expireBy'>
  now: () => number
}

/** One book of a PUT, decoded and checked; RequestError when it is malformed. */
function bookAt (encoded: Uint8Array[], index: number): BookRecord {
  let book
  try {
    book = decodeBook(encoded[index])
  } catch (err) {
    throw new RequestError(Status.E_INVALID_REQUEST, `malformed request: book ${index + 1}: ${(err as Error).message}`)
  }
  return bookFromWire(book)
}

/**
 * A PUT's books, checked whole in slices first (decoding and checking 1,000 books at once holds up
 * searches for milliseconds; a malformed book refuses the whole request before anything changed),
 * keeping only their IDs: each book is decoded again as its slice is written, so no decoded book
 * lives through the request's writes (kept, they made every young-generation collection meanwhile
 * copy them, the pauses that searches met during a large registration).
 */
async function booksFromWire (encoded: Uint8Array[]): Promise<BookSlices> {
  const ids: string[] = []
  for (let i = 0; i < encoded.length; i += BOOKS_READ_AT_ONCE) {
    if (i > 0) await nextTurn()
    for (let j = i; j < Math.min(encoded.length, i + BOOKS_READ_AT_ONCE); j++) ids.push(bookAt(encoded, j).id)
  }
  return {
    ids,
    length: encoded.length,
    slice: (start, end) => {
      const books: BookRecord[] = []
      for (let j = start; j < Math.min(end, encoded.length); j++) books.push(bookAt(encoded, j))
      return books
    }
  }
}

/** An OK reply; `listingDigest`: the index's digest of the peer's listing after the request (spec 5.2.1). */
function reply (books: number, ttl: number, listingDigest?: Uint8Array): Reply<RegisterResponse> {
  return { response: { status: Status.OK, message: '', ttl, books, retryAfterSeconds: 0, listingDigest: listingDigest as Uint8Array<ArrayBuffer> | undefined } }
}

function errorResponse (status: Status, message: string, retryAfterSeconds: number): RegisterResponse {
  return { status, message, ttl: 0, books: 0, retryAfterSeconds }
}

export class RegisterHandler {
  /** Each peer's requests in progress: one at a time (a large one is applied in slices, awaited). */
  private readonly peerQueues = new Map<string, Promise<unknown>>()

  constructor (private readonly init: RegisterHandlerInit) {}

  /** Serves one register stream until it closes (a registrar stream handler). */
  async handle (stream: Stream, connection: StreamOrigin): Promise<void> {
    const peer = connection.remotePeer
    const fromLoopback = isLoopback(connection.remoteAddr)
    await serveIndexStream(this.init, stream, connection, {
      protocol: 'register',
      exchange: REGISTER_AT_INDEX,
      errorResponse,
      answer: async (request) => await this.oneAtATime(peer.toString(), async () => await this.answer(peer, fromLoopback, request))
    })
  }

  /** Runs a peer's requests one after another, whichever of its streams they came on. */
  private async oneAtATime<T> (peerKey: string, job: () => Promise<T>): Promise<T> {
    const run = (this.peerQueues.get(peerKey) ?? Promise.resolve()).then(job, job)
    const settled = run.catch(() => {})
    this.peerQueues.set(peerKey, settled)
    try {
      return await run
    } finally {
      if (this.peerQueues.get(peerKey) === settled) this.peerQueues.delete(peerKey)
    }
  }

  private async answer (peer: PeerId, fromLoopback: boolean, request: RegisterRequestWithEncodedBooks): Promise<Reply<RegisterResponse>> {
    const peerKey = peer.toString()
    const catalog = this.init.catalog()
    switch (request.type) {
      case RegisterRequest.Type.PUT: {
        const ttl = this.grantTtl(request.ttl)
        const books = await booksFromWire(request.encodedBooks)
        const expires = this.init.now() + ttl * 1000
        const addrs = await this.addressesOf(peer, fromLoopback)
        const reachability = reachabilityFromWire(request.reachability)
        catalog.upsertPeer(peerKey, addrs, expires, reachability)
        if (addrs.length === 0) {
          // identify may finish between that read and the upsert, and the service's identify
          // listener only updates peers it already knows: look once more (a later identify updates it too)
          const late = await this.addressesOf(peer, fromLoopback)
          if (late.length > 0) catalog.upsertPeer(peerKey, late, expires, reachability)
        }
        try {
          const count = await catalog.putBooksInSlices(peerKey, books, request.replace)
          // a peer that withdrew keeping its listing speaks for it again: listed once the PUT is applied
          catalog.showAgain(peerKey)
          return reply(count, ttl, catalog.listingDigest(peerKey))
        } catch (err) {
          if (err instanceof CatalogLimitError) throw new RequestError(Status.E_MESSAGE_TOO_LARGE, err.message)
          throw err
        }
      }
      case RegisterRequest.Type.REMOVE: {
        if (!this.hasLiveLease(peerKey)) throw new RequestError(Status.E_NOT_FOUND, 'no live registration for this peer')
        const ids = request.remove.map(requestedBookId)
        const count = await catalog.removeBooksInSlices(peerKey, ids)
        return reply(count, this.remainingTtl(peerKey), catalog.listingDigest(peerKey))
      }
      case RegisterRequest.Type.RENEW: {
        const ttl = this.grantTtl(request.ttl)
        if (!catalog.renew(peerKey, this.init.now() + ttl * 1000, reachabilityFromWire(request.reachability))) {
          throw new RequestError(Status.E_NOT_FOUND, 'no live registration for this peer: register again')
        }
        const digest = catalog.listingDigest(peerKey)
        // the listing the peer kept across its restart is the one it has: list it again
        if (request.listingDigest != null && sameDigest(request.listingDigest, digest)) catalog.showAgain(peerKey)
        return reply(catalog.bookCount(peerKey), ttl, digest)
      }
      case RegisterRequest.Type.UNREGISTER: {
        if (request.keepListing === true && catalog.withdraw(peerKey)) {
          this.init.cache.expireBy(this.init.now())
          return { ...reply(catalog.bookCount(peerKey), this.remainingTtl(peerKey)), last: true }
        }
        await catalog.unregisterInSlices(peerKey)
        return { ...reply(0, 0), last: true }
      }
      default:
        throw new RequestError(Status.E_INVALID_REQUEST, 'unknown request type')
    }
  }

  private grantTtl (requested: number): number {
    const { ttl } = this.init
    if (requested === 0) return ttl.default
    if (requested < ttl.min || requested > ttl.max) {
      throw new RequestError(Status.E_INVALID_TTL, `ttl must be between ${ttl.min} and ${ttl.max} seconds`)
    }
    return requested
  }

  private hasLiveLease (peer: string): boolean {
    return (this.init.catalog().leaseExpiresAt(peer) ?? 0) > this.init.now()
  }

  private remainingTtl (peer: string): number {
    return Math.max(0, Math.round(((this.init.catalog().leaseExpiresAt(peer) ?? 0) - this.init.now()) / 1000))
  }

  /** Dialable addresses of a peer, as identify reported them (none yet on a brand-new connection), as listed. */
  private async addressesOf (peerId: PeerId, fromLoopback: boolean): Promise<string[]> {
    const peer = await this.init.peerStore.get(peerId).catch(() => undefined)
    return listedAddresses((peer?.addresses ?? []).map(a => a.multiaddr), fromLoopback)
  }
}
