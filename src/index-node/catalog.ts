// The index's catalog: who shares which book, as leases, in SQLite (WAL), the store of record, with
// an in-memory text index for ranked word search kept in step with it. Leases are absolute times, so
// a restarted index keeps counting.
import Database from 'better-sqlite3'
import type { ParsedQuery } from './query.js'
import { TextIndex } from './text-index/index.js'

import { CatalogLimitError, NoLeaseError } from './errors.js'
import type { BookRecord } from '../wire/records.js'
import { LIMITS } from '../wire/protocols.js'
import { DEFAULT_PAGE_SIZE, DISCONNECT_GRACE_MS, MAX_BOOKS_PER_PEER, MAX_UNRANKED_MATCHES } from './constants.js'

export type { BookRecord }

export interface ProviderRecord {
  peerId: string
  multiaddrs: string[]
  lastRenewedAt: number
}

/** Providers most recently renewed first; ties by peer ID, so pages are stable. */
function byLiveness (a: ProviderRecord, b: ProviderRecord): number {
  return b.lastRenewedAt - a.lastRenewedAt || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0)
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

export interface CatalogOptions {
  /** Database file, or ':memory:'. */
  path: string
  /** Clock in ms (injectable for tests). */
  now?: () => number
  /** A disconnected peer's books stay in results this long (default 30 s). */
  disconnectGraceMs?: number
  maxBooksPerPeer?: number
  /** A query without words may match at most this many books (default 10,000): past it, TooBroadError. */
  maxUnrankedMatches?: number
}

export interface SearchOptions {
  limit?: number
  offset?: number
  /** Only this peer's books ("browse"). */
  provider?: string
  /** Only this book ("who provides it"). */
  bookId?: string
}

const SCHEMA_VERSION = 2

// Integer keys rather than (peer_id, book_id): a peer number instead of a 52-character peer ID in
// each of a million listings keeps them small, and the text index refers to listings by number.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS peers (
  id INTEGER PRIMARY KEY,
  peer_id TEXT NOT NULL UNIQUE,
  multiaddrs TEXT NOT NULL,
  lease_expires_at INTEGER NOT NULL,
  last_renewed_at INTEGER NOT NULL,
  disconnected_at INTEGER
);
CREATE TABLE IF NOT EXISTS listings (
  id INTEGER PRIMARY KEY,
  peer INTEGER NOT NULL REFERENCES peers(id) ON DELETE CASCADE,
  book_id TEXT NOT NULL,
  title TEXT NOT NULL,
  author TEXT NOT NULL,
  file_name TEXT NOT NULL,
  format TEXT NOT NULL,
  size INTEGER NOT NULL,
  language TEXT NOT NULL,
  UNIQUE (peer, book_id)
);
CREATE INDEX IF NOT EXISTS listings_book ON listings(book_id);
CREATE INDEX IF NOT EXISTS peers_lease ON peers(lease_expires_at);
-- schema 1 kept an FTS5 index in the database; the text index now lives in memory
DROP TRIGGER IF EXISTS listings_ai;
DROP TRIGGER IF EXISTS listings_ad;
DROP TRIGGER IF EXISTS listings_au;
DROP TABLE IF EXISTS listings_fts;
`

// Every change to listings and peers, whichever statement (or foreign-key cascade) makes it, reaches
// the text index through these triggers. They are TEMP: part of this connection only, so the file
// stays readable by any SQLite tool.
const SYNC_TRIGGERS = `
CREATE TEMP TRIGGER listing_added AFTER INSERT ON main.listings BEGIN
  SELECT arkshare_listing(new.id, new.peer, new.book_id, new.title, new.author, new.file_name, new.format, new.size, new.language);
END;
CREATE TEMP TRIGGER listing_removed AFTER DELETE ON main.listings BEGIN
  SELECT arkshare_listing(old.id);
END;
CREATE TEMP TRIGGER listing_changed AFTER UPDATE ON main.listings BEGIN
  SELECT arkshare_listing(new.id, new.peer, new.book_id, new.title, new.author, new.file_name, new.format, new.size, new.language);
END;
CREATE TEMP TRIGGER peer_added AFTER INSERT ON main.peers BEGIN
  SELECT arkshare_peer(new.id, new.lease_expires_at, new.disconnected_at, new.peer_id, new.multiaddrs, new.last_renewed_at);
END;
CREATE TEMP TRIGGER peer_changed AFTER UPDATE ON main.peers BEGIN
  SELECT arkshare_peer(new.id, new.lease_expires_at, new.disconnected_at, new.peer_id, new.multiaddrs, new.last_renewed_at);
END;
CREATE TEMP TRIGGER peer_removed AFTER DELETE ON main.peers BEGIN
  SELECT arkshare_peer(old.id);
END;
`

interface PeerRow { id: number, lease_expires_at: number }

type Params = Record<string, unknown>

/** A query without words or filters: with a provider or a book, browsing it (in title order). */
const NO_WORDS: ParsedQuery = { terms: [], phrases: [], excluded: [], prefixLast: false }

export class Catalog {
  private readonly db: Database.Database
  private readonly now: () => number
  /** How long a disconnected peer's listings stay in results. */
  readonly graceMs: number
  private readonly maxBooksPerPeer: number
  private readonly maxUnranked: number

  private readonly peerRowStmt: Database.Statement<[string], PeerRow>
  private readonly upsertPeerStmt: Database.Statement
  private readonly listingCountStmt: Database.Statement<[number], number>
  private readonly newIdsStmt: Database.Statement<[Params], number>
  private readonly removeOthersStmt: Database.Statement
  private readonly upsertListingStmt: Database.Statement
  private readonly removeListingsStmt: Database.Statement
  private readonly renewStmt: Database.Statement
  private readonly unregisterStmt: Database.Statement
  private readonly disconnectStmt: Database.Statement
  private readonly connectStmt: Database.Statement
  private readonly sweepStmt: Database.Statement
  private readonly text = new TextIndex()
  /** Every registered peer as a search result shows it (kept in memory); a record is replaced on change, never edited. */
  private readonly peerInfo = new Map<number, ProviderRecord>()
  private removed = 0
  /** Changes the triggers reported inside the current statement or transaction, applied once it commits. */
  private pending: Array<() => void> = []
  private lastStats?: { at: number, stats: CatalogStats }
  private readonly putBooksTx: (peerId: string, books: BookRecord[], replace: boolean) => number
  private readonly removeBooksTx: (peerId: string, ids: string[]) => number

  constructor (options: CatalogOptions) {
    this.db = new Database(options.path)
    this.now = options.now ?? Date.now
    this.graceMs = options.disconnectGraceMs ?? DISCONNECT_GRACE_MS
    this.maxBooksPerPeer = options.maxBooksPerPeer ?? MAX_BOOKS_PER_PEER
    this.maxUnranked = options.maxUnrankedMatches ?? MAX_UNRANKED_MATCHES
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    // a page of results reads scattered rows: a 32 MiB page cache rather than the default 2 MiB
    this.db.pragma('cache_size = -32768')
    this.db.pragma('foreign_keys = ON')
    const version = this.db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) {
      this.db.close()
      throw new Error(`catalog ${options.path} has schema ${version}, newer than this arkshare (${SCHEMA_VERSION})`)
    }
    if (version < SCHEMA_VERSION) {
      this.db.transaction(() => {
        this.db.exec(SCHEMA)
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`)
      })()
    }

    const db = this.db
    this.loadTextIndex()
    db.function('arkshare_listing', { varargs: true, deterministic: false }, (...row: unknown[]) => {
      const [id, peer, bookId, title, author, fileName, format, size, language] = row as [number, number, string, string, string, string, string, number, string]
      this.pending.push(row.length === 1
        ? () => { this.text.remove(id); this.removed++ }
        : () => { this.text.add({ id, peer, bookId, title, author, fileName, format, size, language }) })
      return null
    })
    db.function('arkshare_peer', { varargs: true, deterministic: false }, (...row: unknown[]) => {
      const [id, lease, disconnected, peerId, multiaddrs, lastRenewedAt] = row as [number, number, number | null, string, string, number]
      this.pending.push(row.length === 1 ? () => { this.forgetPeer(id); this.removed++ } : () => { this.rememberPeer(id, lease, disconnected, peerId, multiaddrs, lastRenewedAt) })
      return null
    })
    db.exec(SYNC_TRIGGERS)
    this.peerRowStmt = db.prepare<[string], PeerRow>('SELECT id, lease_expires_at FROM peers WHERE peer_id = ?')
    this.upsertPeerStmt = db.prepare(`INSERT INTO peers (peer_id, multiaddrs, lease_expires_at, last_renewed_at, disconnected_at)
      VALUES (@peerId, @multiaddrs, @expires, @now, NULL)
      ON CONFLICT (peer_id) DO UPDATE SET multiaddrs = excluded.multiaddrs, lease_expires_at = excluded.lease_expires_at,
      last_renewed_at = excluded.last_renewed_at, disconnected_at = NULL`)
    this.listingCountStmt = db.prepare<[number], number>('SELECT count(*) FROM listings WHERE peer = ?').pluck()
    this.newIdsStmt = db.prepare<[Params], number>(`SELECT count(*) FROM (SELECT DISTINCT value AS id FROM json_each(@ids)) AS j
      WHERE NOT EXISTS (SELECT 1 FROM listings WHERE peer = @peer AND book_id = j.id)`).pluck()
    this.removeOthersStmt = db.prepare('DELETE FROM listings WHERE peer = @peer AND book_id NOT IN (SELECT value FROM json_each(@ids))')
    // an unchanged listing is left alone, so re-registering a shelf does not rewrite its FTS rows
    this.upsertListingStmt = db.prepare(`INSERT INTO listings (peer, book_id, title, author, file_name, format, size, language)
      VALUES (@peer, @id, @title, @author, @fileName, @format, @size, @language)
      ON CONFLICT (peer, book_id) DO UPDATE SET title = excluded.title, author = excluded.author, file_name = excluded.file_name,
      format = excluded.format, size = excluded.size, language = excluded.language
      WHERE title IS NOT excluded.title OR author IS NOT excluded.author OR file_name IS NOT excluded.file_name
        OR format IS NOT excluded.format OR size IS NOT excluded.size OR language IS NOT excluded.language`)
    this.removeListingsStmt = db.prepare('DELETE FROM listings WHERE peer = @peer AND book_id IN (SELECT value FROM json_each(@ids))')
    this.renewStmt = db.prepare('UPDATE peers SET lease_expires_at = @expires, last_renewed_at = @now WHERE peer_id = @peerId AND lease_expires_at > @now')
    this.unregisterStmt = db.prepare('DELETE FROM peers WHERE peer_id = ?')
    // the first disconnect counts: a repeated one must not restart the grace period
    this.disconnectStmt = db.prepare('UPDATE peers SET disconnected_at = ? WHERE peer_id = ? AND disconnected_at IS NULL')
    this.connectStmt = db.prepare('UPDATE peers SET disconnected_at = NULL WHERE peer_id = ?')
    this.sweepStmt = db.prepare('DELETE FROM peers WHERE lease_expires_at <= ?')

    this.putBooksTx = db.transaction((peerId: string, books: BookRecord[], replace: boolean): number => {
      const peer = this.livePeer(peerId)
      const distinct = [...new Set(books.map(b => b.id))]
      const ids = JSON.stringify(distinct)
      const after = replace
        ? distinct.length
        : (this.listingCountStmt.get(peer) ?? 0) + (this.newIdsStmt.get({ ids, peer }) ?? 0)
      if (after > this.maxBooksPerPeer) throw new CatalogLimitError(`a peer may list at most ${this.maxBooksPerPeer} books (this would make ${after})`)
      if (replace) this.removeOthersStmt.run({ peer, ids })
      for (const b of books) {
        this.upsertListingStmt.run({ peer, id: b.id, title: b.title, author: b.author, fileName: b.fileName, format: b.format, size: b.size, language: b.language })
      }
      return after
    })
    this.removeBooksTx = db.transaction((peerId: string, ids: string[]): number => {
      const row = this.peerRowStmt.get(peerId)
      if (row == null) return 0
      this.removeListingsStmt.run({ peer: row.id, ids: JSON.stringify(ids) })
      return this.listingCountStmt.get(row.id) ?? 0
    })
  }

  /** Fills the text index from the database (at start: it lives in memory only). */
  private loadTextIndex (): void {
    const peers = this.db.prepare('SELECT id, lease_expires_at, disconnected_at, peer_id, multiaddrs, last_renewed_at FROM peers').raw()
    for (const [id, lease, disconnected, peerId, multiaddrs, lastRenewedAt] of peers.iterate() as Iterable<[number, number, number | null, string, string, number]>) {
      this.rememberPeer(id, lease, disconnected, peerId, multiaddrs, lastRenewedAt)
    }
    const listings = this.db.prepare('SELECT id, peer, book_id, title, author, file_name, format, size, language FROM listings').raw()
    const rows = listings.iterate() as Iterable<[number, number, string, string, string, string, string, number, string]>
    this.text.load((function * () {
      for (const [id, peer, bookId, title, author, fileName, format, size, language] of rows) yield { id, peer, bookId, title, author, fileName, format, size, language }
    })())
  }

  /**
   * Listings and peers removed since the catalog opened. Removals are the one change a cached
   * search page must not outlive: additions may show up a little late, and leases and grace periods
   * bound a page's life through its validUntil.
   */
  get removals (): number { return this.removed }

  private rememberPeer (id: number, lease: number, disconnected: number | null, peerId: string, multiaddrs: string, lastRenewedAt: number): void {
    this.text.setPeer(id, lease, disconnected)
    this.peerInfo.set(id, { peerId, multiaddrs: JSON.parse(multiaddrs) as string[], lastRenewedAt })
  }

  private forgetPeer (id: number): void {
    this.text.setPeer(id, 0, null)
    this.peerInfo.delete(id)
  }

  /**
   * Runs a change to the database and then hands what it changed to the text index: only after it
   * committed, so a change rolled back (a limit refused mid-way) never reaches the index.
   */
  private change<T> (run: () => T): T {
    this.pending = []
    try {
      const result = run()
      for (const apply of this.pending) apply()
      if (this.pending.length > 0) this.lastStats = undefined
      return result
    } finally {
      this.pending = []
    }
  }

  private times (): { now: number, graceStart: number } {
    const now = this.now()
    return { now, graceStart: now - this.graceMs }
  }

  private livePeer (peerId: string): number {
    const row = this.peerRowStmt.get(peerId)
    if (row == null || row.lease_expires_at <= this.now()) throw new NoLeaseError(`${peerId} has no live lease`)
    return row.id
  }

  /** Starts or renews a peer's lease and records its dialable addresses; clears any disconnect mark. */
  upsertPeer (peerId: string, multiaddrs: string[], leaseExpiresAt: number): void {
    this.change(() => this.upsertPeerStmt.run({ peerId, multiaddrs: JSON.stringify(multiaddrs), expires: leaseExpiresAt, now: this.now() }))
  }

  /**
   * Adds or updates this peer's listings; with replace, its other listings go. One transaction.
   * Returns the peer's listing count. Throws CatalogLimitError (changing nothing) past
   * maxBooksPerPeer, NoLeaseError without a live lease.
   */
  putBooks (peerId: string, books: BookRecord[], replace: boolean): number {
    return this.change(() => this.putBooksTx(peerId, books, replace))
  }

  /** Returns the peer's remaining listing count (0 for an unknown peer). */
  removeBooks (peerId: string, ids: string[]): number {
    return this.change(() => this.removeBooksTx(peerId, ids))
  }

  /** Extends a live lease; false (changing nothing) if the peer is unknown or its lease lapsed. */
  renew (peerId: string, leaseExpiresAt: number): boolean {
    return this.change(() => this.renewStmt.run({ peerId, expires: leaseExpiresAt, now: this.now() }).changes > 0)
  }

  unregister (peerId: string): void {
    this.change(() => this.unregisterStmt.run(peerId))
  }

  bookCount (peerId: string): number {
    const row = this.peerRowStmt.get(peerId)
    return row == null ? 0 : this.listingCountStmt.get(row.id) ?? 0
  }

  leaseExpiresAt (peerId: string): number | undefined {
    return this.peerRowStmt.get(peerId)?.lease_expires_at
  }

  markDisconnected (peerId: string, at = this.now()): void {
    this.change(() => this.disconnectStmt.run(at, peerId))
  }

  markConnected (peerId: string): void {
    this.change(() => this.connectStmt.run(peerId))
  }

  /** Deletes peers whose lease ended, with their listings; returns how many peers went. */
  sweepExpired (): number {
    return this.change(() => this.sweepStmt.run(this.now()).changes)
  }

  /**
   * One hit per book with a live provider. A query goes to the text index: ranked by bm25 over a
   * book's best listing when it has words; by title when it has only filters and exclusions (past
   * maxUnrankedMatches books that is a TooBroadError). Browsing a provider or one book without a
   * query lists all its books, by title, reading only its listings. `limit` is capped at the wire's page size.
   */
  search (query: ParsedQuery | undefined, options: SearchOptions = {}): SearchPage {
    const limit = Math.min(Math.max(Math.floor(options.limit ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE, 1), LIMITS.search.maxResultsPerPage)
    const offset = Math.max(Math.floor(options.offset ?? 0) || 0, 0)
    const times = this.times()
    let peer: number | undefined
    if (options.provider != null) {
      peer = this.peerRowStmt.get(options.provider)?.id
      if (peer == null) return { total: 0, totalIsEstimate: false, hits: [], validUntil: Infinity }
    }
    // browsing (no query) lists everything the provider or the book has: no cap on unranked matches
    const maxUnranked = query == null ? Infinity : this.maxUnranked
    const ranked = this.text.search(query ?? NO_WORDS, { ...times, peer, bookId: options.bookId, maxUnranked }, offset, limit)
    return { total: ranked.total, totalIsEstimate: ranked.totalIsEstimate, ...this.hitsFor(ranked.bookIds) }
  }

  /**
   * A page of books with their online providers, most recently renewed first, and the metadata of
   * that freshest provider's listing; all from memory.
   */
  private hitsFor (bookIds: string[]): { hits: SearchHit[], validUntil: number } {
    const { now, graceStart } = this.times()
    const hits: SearchHit[] = []
    let validUntil = Infinity
    // no object spreads here: they cost more than the rest of a hit together
    for (const id of bookIds) {
      const providers: ProviderRecord[] = []
      let freshest: ProviderRecord | undefined
      let freshestSlot = -1
      for (const { slot, peer } of this.text.onlineListings(id, now, graceStart)) {
        const info = this.peerInfo.get(peer)
        if (info == null) continue
        // the freshest provider's listing gives the hit its metadata
        if (freshest == null || byLiveness(info, freshest) < 0) { freshest = info; freshestSlot = slot }
        providers.push(info)
        validUntil = Math.min(validUntil, this.text.listedUntil(peer, this.graceMs))
      }
      if (freshest == null) continue
      providers.sort(byLiveness)
      hits.push({ book: this.text.listingAt(freshestSlot), providers })
    }
    return { hits, validUntil }
  }

  /**
   * Peers, books and providers online. Counting books walks every listing (~0.1 s at a million), so
   * a count stays valid for up to a second while nothing changes: stats requests cannot keep the
   * index busy.
   */
  stats (): CatalogStats {
    const t = this.times()
    if (this.lastStats != null && t.now - this.lastStats.at < 1_000 && t.now >= this.lastStats.at) return this.lastStats.stats
    const stats = this.text.liveCounts(t.now, t.graceStart)
    this.lastStats = { at: t.now, stats }
    return stats
  }

  close (): void {
    if (!this.db.open) return
    // lets SQLite refresh the statistics its query planner uses, cheaply, as it recommends on close
    this.db.pragma('optimize')
    this.db.close()
  }
}
