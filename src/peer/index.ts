// Public face of the peer service: `createLibp2p({ services: { arkshare: arkshare({...}) } })`.
// Its parts (serving/, index-links/, providers/, download/) are composed by arkshare-service.ts.
import { ArkshareService } from './arkshare-service.js'
import type { DownloadProgress, DownloadResult } from './download/index.js'
import type { IndexStatus } from './index-links/index-link.js'
import type { SearchResultEntry, SearchResults } from './index-links/search-results.js'
import type { ShelfEntry } from './serving/shelf.js'
import type { IndexStats } from '../wire/messages.js'
import type { ComponentLogger, ContentRouting, Libp2pEvents, PeerId, PeerStore } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Ping } from '@libp2p/ping'
import type { TypedEventTarget } from 'main-event'

export type { DownloadProgress, DownloadResult, ChunkMap, DropReason, ProviderLedgerEntry } from './download/index.js'
/** Chunk-map owners that are no provider: chunks found verified on disk, and providers past the 253rd. */
export { FROM_DISK, OTHER_PROVIDERS } from './download/index.js'
export type { IndexStatus } from './index-links/index-link.js'
export type { SearchResults, SearchResultEntry } from './index-links/search-results.js'
export type { ShelfEntry } from './serving/shelf.js'

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
}

export interface ArkshareComponents {
  peerId: PeerId
  contentRouting: ContentRouting
  /** The ping service, when the node has one under `services.ping` (used to measure latency). */
  ping?: Ping
  registrar: Registrar
  connectionManager: ConnectionManager
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
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
}

export interface Arkshare extends TypedEventTarget<ArkshareEvents> {
  search(query: string, options?: { limit?: number, offset?: number, signal?: AbortSignal, measure?: boolean }): Promise<SearchResults>
  browse(peerId: string, options?: { limit?: number, offset?: number, signal?: AbortSignal }): Promise<SearchResults>
  findProviders(id: string, options?: { signal?: AbortSignal }): Promise<SearchResultEntry | undefined>
  get(id: string, options?: GetOptions): Promise<DownloadResult>
  list(): ShelfEntry[]
  indexes(): IndexStatus[]
  /** Counts from every index that answers. */
  indexStats(options?: { signal?: AbortSignal }): Promise<Array<{ index: string, stats?: IndexStats, error?: string }>>
  /** Rescans shared folders now (they are also watched). */
  rescan(): Promise<void>
}

export function arkshare (init: ArkshareInit = {}): (components: ArkshareComponents) => Arkshare {
  return (components) => new ArkshareService(components, init)
}
