// The index node's libp2p service: serves /arkshare/register and /arkshare/search over a
// persistent Catalog. It only knows who shares what; book bytes never pass through it.
import { serviceCapabilities, type Connection, type IdentifyResult, type Libp2pEvents, type PeerId, type Startable, type Stream, type ComponentLogger, type Logger, type PeerStore } from '@libp2p/interface'
import { Catalog, type CatalogStats, type ProviderRecord, type SearchPage } from './catalog/catalog.js'
import { parseQuery, type ParsedQuery } from './query.js'
import { CatalogLimitError, QueryError, TooBroadError } from './errors.js'
import { REGISTER, SEARCH, RegisterRequest, RegisterResponse, SearchRequest, SearchResponse, Status, type Provider } from '../wire/messages.js'
import { RequestError } from '../wire/errors.js'
import { LIMITS, REGISTER_PROTOCOL, SEARCH_PROTOCOL } from '../wire/protocols.js'
import { bookFromWire, bookToWire, peerIdFromBytes, providerToWire } from '../wire/records.js'
import { serveRequests, type Reply } from '../wire/request-loop.js'
import { StreamBudget } from '../limits/stream-budget.js'
import { parseBookId } from '../content/book-id.js'
import { PeerRateLimiter } from '../limits/peer-rate-limiter.js'
import { SearchCache } from './search-cache.js'
import { DEFAULT_PAGE_SIZE, DEFAULT_TTL_SECONDS, MAX_INBOUND_STREAMS_PER_CONNECTION, MAX_OPEN_STREAMS, MAX_OPEN_STREAMS_PER_ADDRESS, MAX_TTL_SECONDS, MIN_TTL_SECONDS, REGISTRATIONS_PER_MINUTE, SEARCH_CACHE_ENTRIES, SEARCH_CACHE_TTL_MS, SEARCHES_PER_MINUTE, SWEEP_INTERVAL_MS } from './constants.js'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { TypedEventTarget } from 'main-event'

export interface ArkshareIndexInit {
  /** Folder for the catalog database; omitted = in memory (lost on restart). */
  dataDir?: string
  /** Lease granted when the peer asks for none, seconds (default 300). */
  defaultTtlSeconds?: number
  minTtlSeconds?: number
  maxTtlSeconds?: number
  /** How long a registered peer may be disconnected before its books leave results (default 30 s). */
  disconnectGraceMs?: number
  maxBooksPerPeer?: number
  /** How often expired leases are swept from the database (default 5 s). */
  sweepIntervalMs?: number
  /** How long a stream may wait for (or trickle) its next request before it is closed (default 30 s, the spec's). */
  streamIdleMs?: number
  maxInboundStreams?: number
  /** Register and search streams served at once: in all, and from one IP address (defaults 4096 and 128). */
  maxOpenStreams?: number
  maxOpenStreamsPerAddress?: number
  /** Per-peer request budgets (defaults 120 registrations and 600 searches a minute). */
  registrationsPerMinute?: number
  searchesPerMinute?: number
  /** Injectable clock for tests. */
  now?: () => number
}

export interface ArkshareIndexComponents {
  registrar: Registrar
  connectionManager: ConnectionManager
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface ArkshareIndex {
  readonly catalog: Catalog
  stats(): CatalogStats
  search(query: string, options?: { limit?: number, offset?: number, provider?: string }): SearchPage
}

export class ArkshareIndexService implements Startable, ArkshareIndex {
  readonly [Symbol.toStringTag] = 'arkshare-index'
  readonly [serviceCapabilities]: string[] = ['@arkshare/index']

  private readonly log: Logger
  private readonly now: () => number
  private readonly ttl: { default: number, min: number, max: number }
  private readonly init: ArkshareIndexInit
  private catalogInstance?: Catalog
  private sweepTimer?: NodeJS.Timeout
  private readonly streams: StreamBudget
  private readonly registerLimiter: PeerRateLimiter
  private readonly searchLimiter: PeerRateLimiter
  private readonly cache: SearchCache<SearchPage>
  /**
   * Each provider's wire form, made once: the catalog replaces a provider's record when it
   * changes and never edits one, so the record itself is the key.
   */
  private readonly wireProviders = new WeakMap<ProviderRecord, Provider>()

  constructor (private readonly components: ArkshareIndexComponents, init: ArkshareIndexInit = {}) {
    this.init = init
    this.log = components.logger.forComponent('arkshare:index')
    this.now = init.now ?? Date.now
    this.cache = new SearchCache<SearchPage>(SEARCH_CACHE_ENTRIES, SEARCH_CACHE_TTL_MS, this.now)
    this.ttl = {
      default: init.defaultTtlSeconds ?? DEFAULT_TTL_SECONDS,
      min: init.minTtlSeconds ?? MIN_TTL_SECONDS,
      max: init.maxTtlSeconds ?? MAX_TTL_SECONDS
    }
    this.streams = new StreamBudget({
      maxOpen: init.maxOpenStreams ?? MAX_OPEN_STREAMS,
      maxOpenPerAddress: init.maxOpenStreamsPerAddress ?? MAX_OPEN_STREAMS_PER_ADDRESS
    })
    this.registerLimiter = new PeerRateLimiter(init.registrationsPerMinute ?? REGISTRATIONS_PER_MINUTE)
    this.searchLimiter = new PeerRateLimiter(init.searchesPerMinute ?? SEARCHES_PER_MINUTE)
    this.onPeerDisconnect = this.onPeerDisconnect.bind(this)
    this.onPeerConnect = this.onPeerConnect.bind(this)
    this.onPeerIdentify = this.onPeerIdentify.bind(this)
  }

  get catalog (): Catalog {
    if (this.catalogInstance == null) throw new Error('the index service is not started')
    return this.catalogInstance
  }

  async start (): Promise<void> {
    this.catalogInstance = new Catalog({
      path: this.init.dataDir != null ? `${this.init.dataDir}/index.db` : ':memory:',
      now: this.now,
      disconnectGraceMs: this.init.disconnectGraceMs,
      maxBooksPerPeer: this.init.maxBooksPerPeer
    })
    // pages of a catalog opened before are not this one's
    this.cache.clear()
    const streamLimits = { maxInboundStreams: this.init.maxInboundStreams ?? MAX_INBOUND_STREAMS_PER_CONNECTION, maxOutboundStreams: 1, runOnLimitedConnection: true }
    await this.components.registrar.handle(REGISTER_PROTOCOL, this.handleRegister.bind(this), streamLimits)
    await this.components.registrar.handle(SEARCH_PROTOCOL, this.handleSearch.bind(this), streamLimits)
    this.components.events.addEventListener('peer:disconnect', this.onPeerDisconnect)
    this.components.events.addEventListener('peer:connect', this.onPeerConnect)
    this.components.events.addEventListener('peer:identify', this.onPeerIdentify)
    this.sweepTimer = setInterval(() => {
      try {
        const removed = this.catalog.sweepExpired()
        if (removed > 0) this.log('swept %d expired registrations', removed)
      } catch (err) {
        this.log.error('sweep failed: %e', err)
      }
    }, this.init.sweepIntervalMs ?? SWEEP_INTERVAL_MS)
    this.sweepTimer.unref()
  }

  async stop (): Promise<void> {
    clearInterval(this.sweepTimer)
    this.components.events.removeEventListener('peer:disconnect', this.onPeerDisconnect)
    this.components.events.removeEventListener('peer:connect', this.onPeerConnect)
    this.components.events.removeEventListener('peer:identify', this.onPeerIdentify)
    await this.components.registrar.unhandle(REGISTER_PROTOCOL)
    await this.components.registrar.unhandle(SEARCH_PROTOCOL)
    this.catalogInstance?.close()
    this.catalogInstance = undefined
  }

  stats (): CatalogStats {
    return this.catalog.stats()
  }

  search (query: string, options: { limit?: number, offset?: number, provider?: string } = {}): SearchPage {
    return this.catalog.search(query.trim() === '' ? undefined : parseQuery(query), options)
  }

  private onPeerDisconnect (evt: CustomEvent<PeerId>): void {
    const peer = evt.detail.toString()
    if (this.catalogInstance?.leaseExpiresAt(peer) != null) {
      this.catalogInstance.markDisconnected(peer, this.now())
      // pages listing this peer are true until its grace period ends (usually longer than they are cached)
      this.cache.expireBy(this.now() + this.catalogInstance.graceMs)
    }
    void this.forgetDeparted(evt.detail)
  }

  /**
   * An index meets an endless stream of peers, and libp2p's peer store keeps each one (addresses,
   * protocols, keys: ~8 KB) until something reads it again. The catalog holds what results need,
   * so a departed peer is forgotten, unless another service (the DHT's routing table) tagged it.
   */
  private async forgetDeparted (peerId: PeerId): Promise<void> {
    try {
      const peer = await this.components.peerStore.get(peerId)
      if (peer.tags.size > 0 || this.components.connectionManager.getConnections(peerId).length > 0) return
      await this.components.peerStore.delete(peerId)
    } catch {
      // not in the store (already gone) or the node is stopping: nothing to forget
    }
  }

  private onPeerConnect (evt: CustomEvent<PeerId>): void {
    const peer = evt.detail.toString()
    if (this.catalogInstance?.leaseExpiresAt(peer) != null) {
      this.catalogInstance.markConnected(peer)
    }
  }

  /** Identify (and identify-push) tells us a peer's listen addresses; keep registered peers' current. */
  private onPeerIdentify (evt: CustomEvent<IdentifyResult>): void {
    const peer = evt.detail.peerId.toString()
    const expires = this.catalogInstance?.leaseExpiresAt(peer)
    if (expires != null && expires > this.now()) {
      this.catalogInstance?.upsertPeer(peer, evt.detail.listenAddrs.map(a => a.toString()), expires)
    }
  }

  /** Dialable addresses of a peer, as identify reported them (none yet on a brand-new connection). */
  private async addressesOf (peerId: PeerId): Promise<string[]> {
    const peer = await this.components.peerStore.get(peerId).catch(() => undefined)
    return (peer?.addresses ?? []).map(a => a.multiaddr.toString())
  }

  private grantTtl (requested: number): number {
    if (requested === 0) return this.ttl.default
    if (requested < this.ttl.min || requested > this.ttl.max) {
      throw new RequestError(Status.E_INVALID_TTL, `ttl must be between ${this.ttl.min} and ${this.ttl.max} seconds`)
    }
    return requested
  }

  private async handleRegister (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer
    const peerKey = peer.toString()
    const reply = (books: number, ttl: number): Reply<RegisterResponse> => ({
      response: { status: Status.OK, message: '', ttl, books, retryAfterSeconds: 0 }
    })
    await serveRequests<RegisterRequest, RegisterResponse>({
      stream,
      budget: { streams: this.streams, remote: connection.remoteAddr },
      log: this.log,
      exchange: REGISTER,
      idleTimeoutMs: this.init.streamIdleMs,
      errorResponse: (status, message, retryAfterSeconds) => ({ status, message, ttl: 0, books: 0, retryAfterSeconds }),
      handle: async (request) => {
        const wait = this.registerLimiter.check(peerKey)
        if (wait > 0) throw new RequestError(Status.E_RATE_LIMITED, `rate limited, retry after ${wait} s`, wait)
        switch (request.type) {
          case RegisterRequest.Type.PUT: {
            const ttl = this.grantTtl(request.ttl)
            const books = request.books.map(bookFromWire)
            const expires = this.now() + ttl * 1000
            const addrs = await this.addressesOf(peer)
            this.catalog.upsertPeer(peerKey, addrs, expires)
            if (addrs.length === 0) {
              // identify may finish between that read and the upsert, and onPeerIdentify only
              // updates peers it already knows: look once more (a later identify updates it too)
              const late = await this.addressesOf(peer)
              if (late.length > 0) this.catalog.upsertPeer(peerKey, late, expires)
            }
            try {
              return reply(this.catalog.putBooks(peerKey, books, request.replace), ttl)
            } catch (err) {
              if (err instanceof CatalogLimitError) throw new RequestError(Status.E_MESSAGE_TOO_LARGE, err.message)
              throw err
            }
          }
          case RegisterRequest.Type.REMOVE: {
            if (!this.hasLiveLease(peerKey)) throw new RequestError(Status.E_NOT_FOUND, 'no live registration for this peer')
            const ids = request.remove.map(id => { try { return parseBookId(id).toString() } catch (err) { throw new RequestError(Status.E_INVALID_REQUEST, (err as Error).message) } })
            return reply(this.catalog.removeBooks(peerKey, ids), this.remainingTtl(peerKey))
          }
          case RegisterRequest.Type.RENEW: {
            const ttl = this.grantTtl(request.ttl)
            if (!this.catalog.renew(peerKey, this.now() + ttl * 1000)) {
              throw new RequestError(Status.E_NOT_FOUND, 'no live registration for this peer: register again')
            }
            return reply(this.catalog.bookCount(peerKey), ttl)
          }
          case RegisterRequest.Type.UNREGISTER: {
            this.catalog.unregister(peerKey)
            return { ...reply(0, 0), last: true }
          }
          default:
            throw new RequestError(Status.E_INVALID_REQUEST, 'unknown request type')
        }
      }
    })
  }

  private hasLiveLease (peer: string): boolean {
    return (this.catalog.leaseExpiresAt(peer) ?? 0) > this.now()
  }

  private remainingTtl (peer: string): number {
    return Math.max(0, Math.round(((this.catalog.leaseExpiresAt(peer) ?? 0) - this.now()) / 1000))
  }

  private async handleSearch (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    await serveRequests<SearchRequest, SearchResponse>({
      stream,
      budget: { streams: this.streams, remote: connection.remoteAddr },
      log: this.log,
      exchange: SEARCH,
      idleTimeoutMs: this.init.streamIdleMs,
      errorResponse: (status, message, retryAfterSeconds) => ({ status, message, results: [], total: 0, retryAfterSeconds, stats: undefined, totalIsEstimate: false }),
      handle: async (request) => {
        const wait = this.searchLimiter.check(peer)
        if (wait > 0) throw new RequestError(Status.E_RATE_LIMITED, `rate limited, retry after ${wait} s`, wait)
        if (request.stats) {
          const s = this.catalog.stats()
          return { response: { status: Status.OK, message: '', results: [], total: 0, retryAfterSeconds: 0, stats: s, totalIsEstimate: false } }
        }
        let query: ParsedQuery | undefined
        let provider: string | undefined
        try {
          if (request.provider.byteLength > 0) provider = peerIdFromBytes(request.provider).toString()
        } catch {
          throw new RequestError(Status.E_INVALID_REQUEST, 'provider is not a peer ID')
        }
        let bookId: string | undefined
        if (request.bookId.byteLength > 0) {
          try { bookId = parseBookId(request.bookId).toString() } catch (err) { throw new RequestError(Status.E_INVALID_REQUEST, (err as Error).message) }
        }
        if (request.query.trim() !== '') {
          try { query = parseQuery(request.query) } catch (err) {
            if (err instanceof QueryError) throw new RequestError(Status.E_INVALID_REQUEST, err.message)
            throw err
          }
        } else if (provider == null && bookId == null) {
          throw new RequestError(Status.E_INVALID_REQUEST, 'empty query: give words, a provider or a book id')
        }
        const limit = Math.min(request.limit === 0 ? DEFAULT_PAGE_SIZE : request.limit, LIMITS.search.maxResultsPerPage)
        // a removed listing or peer must leave results at once, so the removal count is part of the
        // key: pages cached before a removal are never found again (and age out). Additions may
        // wait out the cache's few seconds; leases and grace periods end a page (validUntil, expireBy).
        const key = JSON.stringify([this.catalog.removals, request.query.trim().toLowerCase(), limit, request.offset, provider, bookId])
        let page = this.cache.get(key)
        if (page == null) {
          try {
            page = this.catalog.search(query, { limit, offset: request.offset, provider, bookId })
          } catch (err) {
            if (err instanceof TooBroadError) throw new RequestError(Status.E_INVALID_REQUEST, err.message)
            throw err
          }
          this.cache.set(key, page, page.validUntil)
        }
        return {
          response: {
            status: Status.OK,
            message: '',
            total: page.total,
            totalIsEstimate: page.totalIsEstimate,
            retryAfterSeconds: 0,
            stats: undefined,
            results: page.hits.map(hit => ({
              book: bookToWire(hit.book),
              providers: hit.providers.slice(0, LIMITS.search.maxProvidersPerResult).map(p => this.providerWire(p))
            }))
          }
        }
      }
    })
  }

  private providerWire (provider: ProviderRecord): Provider {
    let wire = this.wireProviders.get(provider)
    if (wire == null) {
      wire = providerToWire(provider)
      this.wireProviders.set(provider, wire)
    }
    return wire
  }
}
