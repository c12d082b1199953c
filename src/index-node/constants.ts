// The index node's defaults, each in one place: the service, the catalog and the CLI read them
// from here (the wire's own limits are in wire/protocols.ts).
import { LIMITS } from '../wire/protocols.js'

/** Lease granted to a peer that asks for none, seconds. */
export const DEFAULT_TTL_SECONDS = 300
/** Shortest and longest lease a peer may ask for, seconds. */
export const MIN_TTL_SECONDS = 5
export const MAX_TTL_SECONDS = 24 * 3600
/** How long a registered peer may be disconnected before its books leave results. */
export const DISCONNECT_GRACE_MS = 30_000
/** Books one peer may list (spec 6: past it, E_MESSAGE_TOO_LARGE). */
export const MAX_BOOKS_PER_PEER = 10_000
/** A large registration is written this many milliseconds at a time, searches answered in between. */
export const WRITE_SLICE_MS = 2
/**
 * While searches come in (one within SEARCHES_ACTIVE_MS), each write slice is followed by a rest this
 * many times as long: a large registration then takes a ninth of the index's time, the searches the
 * rest. bench:shelf on a quiet machine, another peer's search p99 during a 100,000-book registration
 * against the idle index's: 8.9x at full speed (registered 8 s after the scan), 2.6x resting 4 times
 * as long (27 s), 1.96x resting 8 times (46 s). Without searches, registrations go at full speed.
 */
export const WRITE_REST_FACTOR = 8
/** Searches count as coming in for this long after the last one. */
export const SEARCHES_ACTIVE_MS = 1_000
/** How often a worker thread copies the catalog's write-ahead log into the database (off the event loop). */
export const CHECKPOINT_INTERVAL_MS = 1_000
/** A write-ahead log past this many pages (16 MiB of 4 KiB pages) is copied with the sliced writes held. */
export const CHECKPOINT_HOLD_FRAMES = 4096
/** Checkpoint passes at most while the sliced writes are held (each copies what the small writes added meanwhile). */
export const CHECKPOINT_HOLD_PASSES = 20
/** The longest the sliced writes are held for a checkpoint, whatever the worker does. */
export const CHECKPOINT_MAX_HOLD_MS = 2_000
/** The log's file is cut back to this size once started over (SQLite keeps it at its largest otherwise). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024
/** Books of a PUT decoded and checked (IDs parsed, fields bounded), or counted against the per-peer limit, between two turns of the event loop. */
export const BOOKS_READ_AT_ONCE = 100
/** Books a query without words may match before it is refused ("add a word"). */
export const MAX_UNRANKED_MATCHES = 10_000
/** Results a search page holds when the request asks for none. */
export const DEFAULT_PAGE_SIZE = 50
/** How often expired leases are swept from the database. */
export const SWEEP_INTERVAL_MS = 5_000
/**
 * How often the text index is saved to its snapshot when listings changed (and always at stop), so a
 * restart reads it back rather than rebuilding it. Saving takes its bytes at once: at a million
 * listings the index pauses for 0.8-2.6 s (measured, the longer with the machine busy).
 */
export const TEXT_INDEX_SAVE_INTERVAL_MS = 5 * 60_000
/**
 * How long the index command gives the index to stop on a signal: saving the text index at a
 * million listings takes a few seconds (killed sooner, the next start rebuilds it instead).
 */
export const STOP_TIMEOUT_MS = 60_000
/** The text index's snapshot, in the data folder beside the catalog. */
export const TEXT_INDEX_SNAPSHOT_FILE = 'text-index.snapshot'
/** Register and search streams one connection may open at once. */
export const MAX_INBOUND_STREAMS_PER_CONNECTION = 8
/** Register and search streams served at once: in all, and from one IP address. */
export const MAX_OPEN_STREAMS = LIMITS.openStreams.index.maxOpen
export const MAX_OPEN_STREAMS_PER_ADDRESS = LIMITS.openStreams.index.maxOpenPerAddress
/** Per-peer request budgets, a minute (a peer may spend them in a burst). */
export const REGISTRATIONS_PER_MINUTE = 120
export const SEARCHES_PER_MINUTE = 600
/** Requests a second, as the index's counters report them, are averaged over this many seconds. */
export const REQUEST_RATE_WINDOW_SECONDS = 10
/** Search replies kept for repeated queries: how many, how many bytes in all, and for how long at most. */
export const SEARCH_CACHE_ENTRIES = 1000
export const SEARCH_CACHE_BYTES = 16 * 1024 * 1024
export const SEARCH_CACHE_TTL_MS = 5_000
/** How far the JS heap may grow past its live data before a full collection, percent (0: V8 decides). */
export const HEAP_GROWTH_PERCENT = 50
/** Connections: an index is dialled by every peer it serves, often many behind one address (NAT). */
export const MAX_CONNECTIONS = 5_000
export const MAX_CONNECTIONS_PER_IP = 256
export const INBOUND_CONNECTIONS_PER_SECOND = 100
export const MAX_INCOMING_PENDING_CONNECTIONS = 100
/** The config file in the data folder: settings read at start. */
export const CONFIG_FILE = 'arkshare.conf'
/** Where an index keeps its key and catalog when not told. */
export const DEFAULT_DATA_DIR = '.arkshare/index'

// The meeting point (meeting-point/): the relay is for signalling and small control traffic (and
// the small-book fallback peers allow themselves from its data limit), never for bulk transfers.
/** Peers holding a relay reservation at once (only peers with a live registration get one). */
export const RELAY_MAX_RESERVATIONS = 1024
/** How long a reservation lasts before the peer must renew it (peers renew 5 min before). */
export const RELAY_RESERVATION_TTL_MS = 30 * 60_000
/** Relayed connections open at once; past it, new ones are refused. */
export const RELAY_MAX_CIRCUITS = 256
/**
 * Bytes one relayed connection may carry, both directions together, encryption and framing
 * included; then the relay resets it. Signalling a WebRTC or DCUtR upgrade takes ~30 KB; the rest
 * bounds the small-book fallback. With RELAY_MAX_CIRCUITS, the relay carries at most 512 MiB at once.
 */
export const RELAY_CIRCUIT_DATA_BYTES = 2 * 1024 * 1024
/** How long one relayed connection may stay open. */
export const RELAY_CIRCUIT_DURATION_MS = 2 * 60_000
/** Relay (hop) streams one connection may open at once. */
export const RELAY_MAX_HOP_STREAMS_PER_CONNECTION = 8
/** STUN binding requests answered per IP address a minute (ICE asks a few per connection). */
export const STUN_REQUESTS_PER_MINUTE = 600
/** Terms a prefix search moves of a long merge of the vocabulary's sorted runs (text-index/term-order.ts): about a millisecond. */
export const TERM_MERGE_STEP = 16_384
