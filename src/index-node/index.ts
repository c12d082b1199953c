// Public face of the index service: `createLibp2p({ services: { index: arkshareIndex({...}) } })`.
// The index serves /arkshare/register and /arkshare/search over a persistent catalog; it only knows
// who shares what, book bytes never pass through it.
import { ArkshareIndexService } from './index-service.js'
import type { Catalog } from './catalog/catalog.js'
import type { CatalogStats, SearchOptions, SearchPage } from './catalog/types.js'
import type { IndexCounters, IndexProtocol, RefusalReason, RequestOutcome } from './request-counters.js'
import type { ComponentLogger, Libp2pEvents, PeerStore } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { TypedEventTarget } from 'main-event'

export type { CatalogStats, SearchHit, SearchPage } from './catalog/types.js'
export type { IndexCounters, IndexProtocol, RefusalReason, RequestOutcome } from './request-counters.js'

/** Every default of the index service (and of `arkshare index`), from one place. */
export * as INDEX_DEFAULTS from './constants.js'

export interface ArkshareIndexEvents {
  /** A register or search request ended (dispatched only while someone listens). */
  request: CustomEvent<{ protocol: IndexProtocol, outcome: RequestOutcome, durationMs: number }>
}

export interface ArkshareIndex extends TypedEventTarget<ArkshareIndexEvents> {
  readonly catalog: Catalog
  /** Peers online and registered, books and provider records (what a stats request answers). */
  stats(): CatalogStats
  /**
   * What the index was asked and refused since start: requests by protocol and outcome, their
   * rate a second, rate-limited requests, streams and connections refused. No query, no peer ID.
   */
  requestCounters(): IndexCounters
  /** Counts an inbound connection the node refused (its connection gater calls this). */
  recordRefusedConnection(reason: RefusalReason): void
  /** Searches as a search request would, without a cache: words (the query language), a provider, a page. */
  search(query: string, options?: Pick<SearchOptions, 'limit' | 'offset' | 'provider'>): SearchPage
}

export interface ArkshareIndexInit {
  /** Folder for the catalog database; omitted, the catalog is in memory (lost on restart). */
  dataDir?: string
  /**
   * Lease granted when the peer asks for none, seconds.
   *
   * @default DEFAULT_TTL_SECONDS
   */
  defaultTtlSeconds?: number
  /**
   * Shortest lease a peer may ask for, seconds.
   *
   * @default MIN_TTL_SECONDS
   */
  minTtlSeconds?: number
  /**
   * Longest lease a peer may ask for, seconds.
   *
   * @default MAX_TTL_SECONDS
   */
  maxTtlSeconds?: number
  /**
   * How long a registered peer may be disconnected before its books leave results, ms.
   *
   * @default DISCONNECT_GRACE_MS
   */
  disconnectGraceMs?: number
  /**
   * Books one peer may list (past it, E_MESSAGE_TOO_LARGE).
   *
   * @default MAX_BOOKS_PER_PEER
   */
  maxBooksPerPeer?: number
  /**
   * How often expired leases are swept from the database, ms.
   *
   * @default SWEEP_INTERVAL_MS
   */
  sweepIntervalMs?: number
  /**
   * How long a stream may wait for (or trickle) its next request before it is closed, ms.
   *
   * @default LIMITS.streamIdleMs (the spec's, in wire/protocols.ts)
   */
  streamIdleMs?: number
  /**
   * Register streams, and search streams, one connection may open at once.
   *
   * @default MAX_INBOUND_STREAMS_PER_CONNECTION
   */
  maxInboundStreams?: number
  /**
   * Register and search streams served at once, in all.
   *
   * @default MAX_OPEN_STREAMS
   */
  maxOpenStreams?: number
  /**
   * Register and search streams served at once from one IP address.
   *
   * @default MAX_OPEN_STREAMS_PER_ADDRESS
   */
  maxOpenStreamsPerAddress?: number
  /**
   * Register requests one peer may make a minute (in a burst, if it likes).
   *
   * @default REGISTRATIONS_PER_MINUTE
   */
  registrationsPerMinute?: number
  /**
   * Search requests one peer may make a minute (in a burst, if it likes).
   *
   * @default SEARCHES_PER_MINUTE
   */
  searchesPerMinute?: number
  /** Clock in ms, injectable for tests. */
  now?: () => number
}

export interface ArkshareIndexComponents {
  registrar: Registrar
  connectionManager: ConnectionManager
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export function arkshareIndex (init: ArkshareIndexInit = {}): (components: ArkshareIndexComponents) => ArkshareIndex {
  return (components) => new ArkshareIndexService(components, init)
}
