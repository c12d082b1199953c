// Public face of the peer service: `createLibp2p({ services: { arkshare: arkshare({...}) } })`.
// Its parts (serving/, index-links/, providers/, download/) are composed by arkshare-service.ts.
import { ArkshareService } from './arkshare-service.js'
import type { DownloadProgress, DownloadResult } from './download/index.js'
import type { IndexStatus } from './index-links/index-link.js'
import type { SearchResultEntry, SearchResults } from './index-links/search-results.js'
import type { ShelfEntry } from './serving/shelf.js'
import type { ConnectionKind } from './reachability/connection-kinds.js'
import type { Reachability, ReachabilityComponents, ReachabilityStatus } from './reachability/reachability.js'
import type { IndexCounts } from './index-links/index-links.js'
import type { Connection, ContentRouting } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { TypedEventTarget } from 'main-event'

export type { DownloadProgress, DownloadResult } from './download/index.js'
export type { IndexStatus } from './index-links/index-link.js'
export type { IndexCounts } from './index-links/index-links.js'
export type { SearchResults, SearchResultEntry } from './index-links/search-results.js'
export type { ShelfEntry } from './serving/shelf.js'
export type { ConnectionKind } from './reachability/connection-kinds.js'
export type { Reachability, ReachabilityStatus } from './reachability/reachability.js'
export { announcedAddresses } from './reachability/reachability.js'
export { iceServersFor } from './reachability/ice-servers.js'

/** Every default of the peer service (and of the CLI's peer commands), from one place. */
export * as PEER_DEFAULTS from './constants.js'

export interface ArkshareInit {
  /** Multiaddrs of index nodes to register with and search. */
  indexes?: string[]
  /** Folders whose files this peer shares. */
  share?: string[]
  /** Where downloads land; shared too, so a downloader becomes a provider. */
  downloads?: string
  /** Folder for the hash cache; omitted = in memory. */
  dataDir?: string
  /**
   * Lease to ask the index for, seconds (0 = the index's default).
   *
   * @default DEFAULT_TTL_SECONDS
   */
  ttlSeconds?: number
  /**
   * Watch shared folders.
   *
   * @default true
   */
  watch?: boolean
  /**
   * Shared folders are also rescanned this often, to catch what watching misses.
   *
   * @default RESCAN_INTERVAL_MS
   */
  rescanIntervalMs?: number
  /**
   * Fetch streams one connection may open at once.
   *
   * @default MAX_INBOUND_STREAMS_PER_CONNECTION
   */
  maxInboundStreams?: number
  /**
   * Fetch streams served at once, in all (queued ones count).
   *
   * @default MAX_OPEN_STREAMS
   */
  maxOpenStreams?: number
  /**
   * Fetch streams served at once to one IP address.
   *
   * @default MAX_OPEN_STREAMS_PER_ADDRESS
   */
  maxOpenStreamsPerAddress?: number
  /** Upload limits in bytes per second: all peers together, and each peer (default unlimited). */
  maxUploadBytesPerSecond?: number
  maxUploadBytesPerSecondPerPeer?: number
  /** Download limit in bytes per second, all downloads together (default unlimited). */
  maxDownloadBytesPerSecond?: number
  /**
   * Peers served at once; others wait in a fair queue and are told their place.
   *
   * @default UPLOAD_SLOTS
   */
  uploadSlots?: number
  /**
   * How long a provider caught sending bad data is skipped.
   *
   * @default BAD_PEER_MS
   */
  badPeerMs?: number
  /**
   * During a download, how often the indexes are asked for providers that appeared since.
   *
   * @default DEFAULT_REFRESH_INTERVAL_MS (download/constants.ts)
   */
  providerRefreshMs?: number
  /**
   * Announce shared books as provider records in the DHT (the node needs a kad-dht service), and
   * find providers there when no index answers.
   */
  dht?: boolean
  /** Peers to connect to at start (DHT entry points when no index is reachable). */
  bootstrap?: string[]
  /**
   * Ask the home router to forward a port to us (UPnP IGD), so peers can connect directly.
   *
   * @default UPNP
   */
  upnp?: boolean
}

/**
 * What the service uses of the node. For peers behind NATs to reach each other the node also needs
 * the circuit relay and WebRTC transports (createArkshareNode adds them), WebRTC's ICE servers set
 * to the indexes' STUN responders (iceServersFor), and '/webrtc' among its listen addresses.
 */
export interface ArkshareComponents extends ReachabilityComponents {
  contentRouting: ContentRouting
  /** The ping service, when the node has one under `services.ping` (used to measure latency). */
  ping?: Ping
}

export interface GetOptions {
  outDir?: string
  signal?: AbortSignal
  onProgress?: (progress: DownloadProgress) => void
}

export interface ArkshareEvents {
  'download:progress': CustomEvent<DownloadProgress>
  'download:done': CustomEvent<DownloadResult>
  'shelf:change': CustomEvent<{ added: number, removed: number, total: number }>
  /** How others can reach this peer changed (its addresses may have too: announcedAddresses). */
  'reachability:change': CustomEvent<Reachability>
}

export interface Arkshare extends TypedEventTarget<ArkshareEvents> {
  search(query: string, options?: { limit?: number, offset?: number, signal?: AbortSignal, measure?: boolean }): Promise<SearchResults>
  browse(peerId: string, options?: { limit?: number, offset?: number, signal?: AbortSignal }): Promise<SearchResults>
  findProviders(id: string, options?: { signal?: AbortSignal }): Promise<SearchResultEntry | undefined>
  get(id: string, options?: GetOptions): Promise<DownloadResult>
  list(): ShelfEntry[]
  indexes(): IndexStatus[]
  /** Counts from every index that answers. */
  indexStats(options?: { signal?: AbortSignal }): Promise<Array<{ index: string, stats?: IndexCounts, error?: string }>>
  /** Rescans shared folders now (they are also watched). */
  rescan(): Promise<void>
  /** Whether and how others can reach this peer. */
  reachability(): ReachabilityStatus
  /** How a connection reaches its peer: directly, hole-punched (through the relay's signalling), or relayed. */
  connectionKind(connection: Connection): ConnectionKind
}

export function arkshare (init: ArkshareInit = {}): (components: ArkshareComponents) => Arkshare {
  return (components) => new ArkshareService(components, init)
}
