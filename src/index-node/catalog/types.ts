// What the catalog is opened with, asked and answers.
import type { BookRecord, ProviderReachability } from '../../wire/records.js'

export type { BookRecord }

/**
 * Books to write a slice at a time, their IDs known up front: an array of records, or a request's
 * books decoded only as their slice is written (a decoded book kept until the request's last slice
 * outlives young-generation collections, each of which then copies it).
 */
export interface BookSlices {
  readonly ids: readonly string[]
  readonly length: number
  slice: (start: number, end: number) => BookRecord[]
}

/** An array of records as BookSlices. */
export function recordSlices (books: BookRecord[]): BookSlices {
  return { ids: books.map(b => b.id), length: books.length, slice: (start, end) => books.slice(start, end) }
}

export interface CatalogOptions {
  /** Database file, or ':memory:'. */
  path: string
  /**
   * A file to keep the text index in between runs (see text-index-snapshot.ts): read at open when
   * it matches the catalog, written by saveTextIndex(). None: the index is built from the catalog.
   */
  textIndexSnapshot?: string
  /** Clock in ms (injectable for tests). */
  now?: () => number
  /**
   * A disconnected peer's books stay in results this long, ms.
   *
   * @default DISCONNECT_GRACE_MS
   */
  disconnectGraceMs?: number
  /**
   * Books one peer may list; past it, CatalogLimitError.
   *
   * @default MAX_BOOKS_PER_PEER
   */
  maxBooksPerPeer?: number
  /**
   * A query without words may match at most this many books; past it, TooBroadError.
   *
   * @default MAX_UNRANKED_MATCHES
   */
  maxUnrankedMatches?: number
  /**
   * Registrations from the network are written this long at a time, ms (searches run in between).
   *
   * @default WRITE_SLICE_MS
   */
  writeSliceMs?: number
  /**
   * While searches come in, each write slice is followed by a rest this many times as long (0: never).
   *
   * @default WRITE_REST_FACTOR
   */
  writeRestFactor?: number
  /**
   * The background checkpoints of the write-ahead log (checkpointer.ts): how often, and past how
   * many pages of log the sliced writes are held so that it can start over.
   *
   * @default { intervalMs: CHECKPOINT_INTERVAL_MS, holdFrames: CHECKPOINT_HOLD_FRAMES }
   */
  checkpoints?: CheckpointOptions
}

export interface CheckpointOptions { intervalMs?: number, holdFrames?: number }

export interface SearchOptions {
  /** @default DEFAULT_PAGE_SIZE (and never more than the wire's page size) */
  limit?: number
  offset?: number
  /** Only this peer's books ("browse"). */
  provider?: string
  /** Only this book ("who provides it"). */
  bookId?: string
}

export interface ProviderRecord {
  peerId: string
  multiaddrs: string[]
  lastRenewedAt: number
  reachability: ProviderReachability
}

export interface SearchHit {
  book: BookRecord
  providers: ProviderRecord[]
}

export interface SearchPage {
  total: number
  /** total is estimated (a very common word: see TextIndex.search); the page itself is exact. */
  totalIsEstimate: boolean
  hits: SearchHit[]
  /**
   * When the page stops being true without any change to the catalog: the first time one of its
   * providers leaves the results (a lease ends, a grace period runs out). Caches keep it no longer.
   */
  validUntil: number
}

export interface CatalogStats {
  /** Live lease, and connected or within the disconnect grace period. */
  peersOnline: number
  /** Live lease. */
  peersRegistered: number
  /** Distinct books with at least one online provider. */
  books: number
  /** (peer, book) listings of online peers. */
  providers: number
}
