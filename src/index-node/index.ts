// Public face of the index service: `createLibp2p({ services: { index: arkshareIndex({...}) } })`.
// The index serves /arkshare/register and /arkshare/search over a persistent catalog; it only knows
// who shares what, book bytes never pass through it.
import { ArkshareIndexService } from './index-service.js'
import type { Catalog } from './catalog/catalog.js'
import type { CatalogStats, SearchOptions, SearchPage } from './catalog/types.js'
import type { MeetingPointComponents, MeetingPointStats, RelayLimits } from './meeting-point/meeting-point.js'
import type { IndexCounters, IndexProtocol, RefusalReason, RequestOutcome } from './request-counters.js'
import type { TypedEventTarget } from 'main-event'

export type { CatalogStats, SearchHit, SearchPage } from './catalog/types.js'
export type { MeetingPointStats, RelayLimits } from './meeting-point/meeting-point.js'
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
  /** What the meeting point (relay, STUN, AutoNAT) has done so far. */
  meetingPoint(): MeetingPointStats
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
   * How often the text index is saved to its snapshot in dataDir when listings changed, ms (it is
   * saved at stop too; without dataDir, never).
   *
   * @default TEXT_INDEX_SAVE_INTERVAL_MS
   */
  textIndexSaveIntervalMs?: number
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
  /**
   * Run a circuit relay (v2) for peers with a live registration, so peers behind NATs can be
   * reached for signalling (WebRTC, DCUtR) and small transfers.
   *
   * @default true
   */
  relay?: boolean
  /**
   * The relay's limits, each defaulting to the constant of its name (RELAY_MAX_RESERVATIONS,
   * RELAY_RESERVATION_TTL_MS, RELAY_MAX_CIRCUITS, RELAY_CIRCUIT_DATA_BYTES, RELAY_CIRCUIT_DURATION_MS,
   * RELAY_MAX_HOP_STREAMS_PER_CONNECTION).
   */
  relayLimits?: Partial<RelayLimits>
  /**
   * Answer STUN binding requests on UDP, at the port of every TCP address the index listens on
   * and the port above it (peers' WebRTC learns public mappings there).
   *
   * @default true
   */
  stun?: boolean
  /**
   * STUN requests answered per IP address a minute.
   *
   * @default STUN_REQUESTS_PER_MINUTE
   */
  stunRequestsPerMinute?: number
  /**
   * Serve AutoNAT v2: dial peers back on the addresses they ask about, so they learn whether they are reachable.
   *
   * @default true
   */
  autonat?: boolean
  /** Clock in ms, injectable for tests. */
  now?: () => number
}

export interface ArkshareIndexComponents extends MeetingPointComponents {}

export function arkshareIndex (init: ArkshareIndexInit = {}): (components: ArkshareIndexComponents) => ArkshareIndex {
  return (components) => new ArkshareIndexService(components, init)
}
