// The peer's defaults, each in one place: the service, its parts and the CLI read them from here
// (the download engine's tuning is in download/constants.ts, the wire's limits in wire/protocols.ts).
import { LIMITS } from '../wire/protocols.js'

/** Lease to ask an index for, seconds: 0 asks for the index's own default. */
export const DEFAULT_TTL_SECONDS = 0
/** Peers served at once; the others wait in a fair queue and are told their place. */
export const UPLOAD_SLOTS = 4
/** Downloads running at once; the others wait in the download list, queued. */
export const MAX_ACTIVE_DOWNLOADS = 3
/** Finished downloads (done or cancelled) the list keeps; older ones are forgotten first. */
export const MAX_FINISHED_DOWNLOADS = 1_000
/** The file in the data folder that keeps the unfinished downloads across restarts. */
export const DOWNLOAD_LIST_FILE = 'downloads.json'
/** A queued downloader hears its place at least this often (spec 3: at least every 5 s). */
export const QUEUE_HEARTBEAT_MS = 5_000
/**
 * Chunks a fetch stream reads from disk and sends in one go when no upload limit applies (1 MiB):
 * each send becomes one yamux frame where the window allows, so fewer frames, window updates and
 * event-loop turns per byte on both sides.
 */
export const READ_BATCH_CHUNKS = 4
/** Fetch streams one connection may open at once, and that we open to one peer. */
export const MAX_INBOUND_STREAMS_PER_CONNECTION = 16
export const MAX_OUTBOUND_STREAMS_PER_CONNECTION = 16
/** Fetch streams served at once: in all, and from one IP address (queued ones count). */
export const MAX_OPEN_STREAMS = LIMITS.openStreams.peer.maxOpen
export const MAX_OPEN_STREAMS_PER_ADDRESS = LIMITS.openStreams.peer.maxOpenPerAddress
/** Open connections from one IP address. */
export const MAX_CONNECTIONS_PER_IP = 64
/** How long a provider caught sending bad data is skipped. */
export const BAD_PEER_MS = 10 * 60_000
/** Providers pinged before a download or with a search, and how long a ping may take. */
export const MAX_PINGED_PROVIDERS = 16
export const PING_TIMEOUT_MS = 2_000
/**
 * Before a download, providers are pinged one at a time, the next only when the one before has not
 * answered within this long (RFC 8305's connection attempt delay): one that answers sooner is near
 * enough to start with, and the others are not dialled while it keeps the download busy.
 */
export const PING_STAGGER_MS = 250
/** Providers taken from DHT records, and how long the DHT lookup may take. */
export const MAX_DHT_PROVIDERS = 20
export const DHT_LOOKUP_TIMEOUT_MS = 15_000
/** How long announcing one book in the DHT may take. */
export const DHT_ANNOUNCE_TIMEOUT_MS = 30_000
/** Connecting to a bootstrap peer or an index. */
export const DIAL_TIMEOUT_MS = 10_000
/** One request to an index (a registration or a search). */
export const INDEX_REQUEST_TIMEOUT_MS = 15_000
/** Retrying an index that failed: from the first, doubling up to the second. */
export const INDEX_MIN_BACKOFF_MS = 1_000
export const INDEX_MAX_BACKOFF_MS = 30_000
/** A lease is renewed at half its length, but never sooner than this after the last reply. */
export const INDEX_MIN_RENEW_MS = 1_000
/** How long withdrawing our registration from an index may hold up stopping. */
export const UNREGISTER_TIMEOUT_MS = 2_000
/** The peer-store tag that keeps the connection manager from pruning an index connection. */
export const INDEX_TAG = 'arkshare-index'
export const INDEX_TAG_VALUE = 100
/** Shared folders are rescanned this often besides being watched. */
export const RESCAN_INTERVAL_MS = 30_000
/** While every shared folder is watched, full rescans take at most this share of the time (they are spaced out). */
export const RESCAN_MAX_SHARE = 0.02
/** Changes seen by the folder watcher are gathered this long before they are looked at. */
export const RESCAN_DEBOUNCE_MS = 300
/** Files still being written are skipped until they have been quiet this long. */
export const FILE_SETTLE_MS = 1_000
/**
 * How far the JS heap may grow past its live data before a full collection, percent (0: V8
 * decides): a scan of 100,000 books makes garbage fast, and V8 alone lets the heap grow to several
 * times what the shelf keeps.
 */
export const HEAP_GROWTH_PERCENT = 50
/** Files hashed (or looked up in the hash cache) at once while scanning the shared folders. */
export const HASH_CONCURRENCY = 8
/** Search results a one-shot search and a browse print when asked for no number. */
export const DEFAULT_SEARCH_LIMIT = 50
export const DEFAULT_BROWSE_LIMIT = 100
/** Results one page may hold (the wire's limit): an index returns no more, whatever is asked. */
export const MAX_SEARCH_LIMIT = LIMITS.search.maxResultsPerPage
/** The config file in the data folder: settings read at start, limits changed at runtime saved. */
export const CONFIG_FILE = 'arkshare.conf'
/** Where a node keeps its key and databases, and where downloads land, when not told. */
export const DEFAULT_DATA_DIR = '.arkshare/node'
export const DEFAULT_DOWNLOADS_DIR = 'downloads'

// Reachability (reachability/): being found behind a NAT, and finding peers behind theirs.
/** Map our TCP port on the home router with UPnP (IGD) unless told not to. */
export const UPNP = true
/** How long a relay reservation on an index may take to be granted. */
export const RESERVATION_TIMEOUT_MS = 10_000
/** How long AutoNAT may take to confirm a public address of ours before we reserve a relay slot anyway. */
export const AUTONAT_WAIT_MS = 10_000
/** How long to wait for each answer of an index's STUN responder when checking our NAT's mapping. */
export const STUN_TIMEOUT_MS = 2_000
/** How often the NAT's mapping is checked again (routers restart, networks change). */
export const STUN_CHECK_INTERVAL_MS = 30 * 60_000
/**
 * The largest book that may come over a relayed connection, when no direct path exists (spec 5.5):
 * half the reference index's 2 MiB per relayed connection. A relay that allows less lowers it: a
 * book may take at most half of what the connection may still carry.
 */
export const RELAY_FALLBACK_MAX_BYTES = 1024 * 1024
/** Relay-fallback streams one relayed connection may carry at once (both ways). */
export const MAX_RELAYED_FETCH_STREAMS = 1
