// The HTTP face's defaults, each in one place: the server, its parts and the CLI read them from here.

/** Where `--http PORT` listens when no host is given: this machine only. */
export const DEFAULT_HOST = '127.0.0.1'
/** The token file's name in the node's data folder. */
export const TOKEN_FILE_NAME = 'http-token'
/** Random bytes in a new token. */
export const TOKEN_BYTES = 32
/** A token file holding fewer characters than this is refused (a typo, not a secret). */
export const MIN_TOKEN_LENGTH = 32
/** Request bodies: JSON only, at most this many bytes. */
export const MAX_BODY_BYTES = 64 * 1024
/** Presented tokens that may be wrong, from one address, a minute; past them the address waits. */
export const BAD_TOKENS_PER_MINUTE = 10
/** How long an address that sent too many bad tokens is refused. */
export const BAD_TOKEN_LOCKOUT_MS = 60_000
/** A search query's length at most, in characters. */
export const MAX_QUERY_LENGTH = 256
/** Event streams open at once (a browser tab holds one); past it, 503. */
export const MAX_EVENT_CLIENTS = 32
/** A comment line on every event stream this often, so proxies and browsers keep it open. */
export const EVENTS_PING_MS = 15_000
/** A download's progress reaches an event stream at most this often. */
export const DOWNLOAD_EVENT_MS = 250
/**
 * A watched download's detail (ledger and chunk map) at most this often: the map of a 32 GiB book
 * is 128 KiB (175 KB as base64), so twice a second keeps a tab's map live under ~350 KB/s.
 */
export const DOWNLOAD_DETAIL_EVENT_MS = 500
/** Uploads and the network are looked at this often and sent when they changed. */
export const UPLOADS_EVENT_MS = 1_000
export const NETWORK_EVENT_MS = 2_000
/** The index's status goes out this often. */
export const STATUS_EVENT_MS = 2_000
/** How long a request's handler may take (a search waits for every index). */
export const REQUEST_TIMEOUT_MS = 30_000
/** Open HTTP connections at most (a page needs a handful; more are refused, not queued). */
export const MAX_CONNECTIONS = 128
/** Headers must arrive within this long (a slow-loris holds no socket for longer). */
export const HEADERS_TIMEOUT_MS = 10_000
/** A search or browse offset at most (deeper pages are refused, not walked). */
export const MAX_OFFSET = 100_000
