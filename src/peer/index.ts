// Public face of the peer service: `createLibp2p({ services: { arkshare: arkshare({...}) } })`.
// Its parts (serving/, index-links/, providers/, download/) are composed by arkshare-service.ts.
import { ArkshareService } from './arkshare-service.js'
import type { DownloadProgress, DownloadResult } from './download/index.js'
import type { DownloadDetail, DownloadInfo } from './download-manager/managed-download.js'
import type { Limits } from './limits.js'
import type { IndexStatus } from './index-links/index-link.js'
import type { SearchResultEntry, SearchResults } from './index-links/search-results.js'
import type { ShelfEntry } from './serving/shelf.js'
import type { UploadsStatus } from './serving/serving-side.js'
import type { ConnectionKind } from './reachability/connection-kinds.js'
import type { Reachability, ReachabilityComponents, ReachabilityStatus } from './reachability/reachability.js'
import type { IndexCounts } from './index-links/index-links.js'
import type { Connection, ContentRouting } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { TypedEventTarget } from 'main-event'

export type { DownloadProgress, DownloadResult, ChunkMap, DropReason, ProviderLedgerEntry } from './download/index.js'
/** Chunk-map owners that are no provider: chunks found verified on disk, and providers past the 253rd. */
export { FROM_DISK, OTHER_PROVIDERS } from './download/index.js'
export type { DownloadDetail, DownloadInfo, DownloadState } from './download-manager/managed-download.js'
export type { IndexStatus } from './index-links/index-link.js'
export type { IndexCounts } from './index-links/index-links.js'
export { InvalidLimitError, type Limits } from './limits.js'
export { bookLinkForFile } from './book-link-writer.js'
export { formatRate, LIMIT_SETTINGS, parseSettings, SettingsError, UNLIMITED } from './settings-file.js'
export { formatBookLink, isBookLink, parseBookLink, type BookLink } from '../wire/book-link.js'
export type { SearchResults, SearchResultEntry } from './index-links/search-results.js'
export type { ShelfEntry } from './serving/shelf.js'
export type { UploadsStatus } from './serving/serving-side.js'
export type { ConnectionKind } from './reachability/connection-kinds.js'
export type { Reachability, ReachabilityStatus } from './reachability/reachability.js'
export { announcedAddresses } from './reachability/reachability.js'
export { iceServersFor } from './reachability/ice-servers.js'

/** Checks a book ID as the service does (InvalidBookIdError otherwise), for callers that take one from users. */
export { parseBookId } from '../content/book-id.js'

/** Every default of the peer service (and of the CLI's peer commands), from one place. */
export * as PEER_DEFAULTS from './constants.js'

export interface ArkshareInit {
  /** Multiaddrs of index nodes to register with and search. */
  indexes?: string[]
  /** Folders whose files this peer shares. */
  share?: string[]
  /** Where downloads land; shared too, so a downloader becomes a provider. */
  downloads?: string
  /** Folder for the hash cache and the download list; omitted = in memory. */
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
   * Downloads running at once; the others wait in the list, queued.
   *
   * @default MAX_ACTIVE_DOWNLOADS
   */
  maxActiveDownloads?: number
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
  /**
   * A config file (the CLI's `arkshare.conf`) into which limits changed at runtime are saved, line
   * by line, the rest of the file kept as it is; none: they last until the node stops.
   */
  settingsFile?: string
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
  /** A download was added, or its state or what is known of its book changed. */
  'download:change': CustomEvent<DownloadInfo>
  'download:progress': CustomEvent<DownloadProgress>
  'download:done': CustomEvent<DownloadResult>
  'download:failed': CustomEvent<{ id: string, error: string }>
  /** A download left the list (cleared or removed). */
  'download:removed': CustomEvent<{ id: string }>
  'shelf:change': CustomEvent<{ added: number, removed: number, total: number }>
  /** How others can reach this peer changed (its addresses may have too: announcedAddresses). */
  'reachability:change': CustomEvent<Reachability>
  /** The limits changed (setLimits). */
  'limits:change': CustomEvent<Limits>
  /** A search of the indexes ended, answered or not (dispatched only while someone listens). */
  search: CustomEvent<{ ok: boolean, durationMs: number }>
}

/**
 * The download list (the shell and the HTTP API use it; get() goes through it too). Every method
 * taking an ID also takes a book link. An unknown download throws NotFoundError, a request its
 * state does not allow DownloadStateError, input that is no book ID InvalidParametersError.
 */
export interface Downloads {
  /**
   * Queues a book; returns the download of that book instead when one is listed (unless
   * cancelled). With `restart`, a listed download that is finished starts again and a paused one
   * resumes (what get() and the shell's `get` do).
   */
  add(idOrLink: string, options?: { outDir?: string, restart?: boolean }): DownloadInfo
  /** Every download, in the order they were added. */
  list(): DownloadInfo[]
  info(id: string): DownloadInfo
  /** With the per-provider ledger and a copy of the chunk map. */
  detail(id: string): DownloadDetail
  /** Stops a queued or active download, keeping its verified chunks. */
  pause(id: string): DownloadInfo
  resume(id: string): DownloadInfo
  /** Queues a failed or cancelled download again. */
  retry(id: string): DownloadInfo
  /** Stops a download for good and removes its part file. */
  cancel(id: string): DownloadInfo
  /** Cancels a download if unfinished, and takes it off the list. */
  remove(id: string): void
  /** Takes every finished download (done, failed, cancelled) off the list; returns how many. */
  clear(): number
}

export interface PeersStatus {
  measured: Array<{ peerId: string, rttMs?: number, bytesPerSecond?: number, updatedAt: number }>
  bad: Array<{ peerId: string, reason: string, until: number }>
}

export interface Arkshare extends TypedEventTarget<ArkshareEvents> {
  readonly downloads: Downloads
  search(query: string, options?: { limit?: number, offset?: number, signal?: AbortSignal, measure?: boolean }): Promise<SearchResults>
  browse(peerId: string, options?: { limit?: number, offset?: number, signal?: AbortSignal }): Promise<SearchResults>
  /**
   * The book and its providers as the indexes list them; for a book link, with its peer hints
   * added (and standing in when no index knows the book).
   */
  findProviders(idOrLink: string, options?: { signal?: AbortSignal }): Promise<SearchResultEntry | undefined>
  /**
   * A book link (protocols/links.md) for a book: with its title, size, name and this node's best
   * address when it is on the shelf; else what the download list or the indexes know of it, with
   * up to 3 providers the indexes list.
   */
  bookLink(idOrLink: string, options?: { signal?: AbortSignal }): Promise<string>
  /**
   * Downloads a book (an ID or a book link) through the download list and resolves when it is
   * done; rejects if it fails, or is paused or cancelled meanwhile.
   */
  get(idOrLink: string, options?: GetOptions): Promise<DownloadResult>
  list(): ShelfEntry[]
  indexes(): IndexStatus[]
  /** Upload slots, who waits for one, and who is sent what now. */
  uploads(): UploadsStatus
  /** Peers measured (round-trip time, download throughput) and peers skipped for bad data. */
  peers(): PeersStatus
  /** Counts from every index that answers. */
  indexStats(options?: { signal?: AbortSignal }): Promise<Array<{ index: string, stats?: IndexCounts, error?: string }>>
  /** Rescans shared folders now (they are also watched). */
  rescan(): Promise<void>
  /** Whether and how others can reach this peer. */
  reachability(): ReachabilityStatus
  /** How a connection reaches its peer: directly, hole-punched (through the relay's signalling), or relayed. */
  connectionKind(connection: Connection): ConnectionKind
  /** Upload and download rates, upload slots, active downloads, as they are now. */
  limits(): Limits
  /**
   * Changes limits at runtime, for transfers under way too: waits already begun are worked out
   * again, more slots or active downloads start waiting ones at once, fewer slots make uploads give
   * theirs up at their next request, fewer active downloads queue the newest again. A field left
   * out stays; a rate set to null is lifted. With a settings file, the new values are saved there
   * first. Throws InvalidLimitError (naming the field) and changes nothing when a value is out of
   * range or the file cannot be written.
   */
  setLimits(changes: Partial<Limits>): Promise<Limits>
}

export function arkshare (init: ArkshareInit = {}): (components: ArkshareComponents) => Arkshare {
  return (components) => new ArkshareService(components, init)
}
