// The index's catalog: who shares which book, as leases, in SQLite (WAL) with an FTS5 index over
// title, author and file name. Leases are absolute times, so a restarted index keeps counting.
import Database from 'better-sqlite3'
import { toAuthorMatch, toExclusionMatch, toFtsMatch, type ParsedQuery } from './query.js'
import type { BookRecord } from '../wire/records.js'

export type { BookRecord }

export interface ProviderRecord {
  peerId: string
  multiaddrs: string[]
  lastRenewedAt: number
}

export interface SearchHit {
  book: BookRecord
  providers: ProviderRecord[]
}

export interface SearchPage {
  total: number
  /** True when `total` was estimated from the best-ranked matches (very common words). */
  totalIsEstimate?: boolean
  hits: SearchHit[]
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
}

export interface SearchOptions {
  limit?: number
  offset?: number
  /** Only this peer's books ("browse"). */
  provider?: string
  /** Only this book ("who provides it"). */
  bookId?: string
}

export class CatalogLimitError extends Error {
  override name = 'CatalogLimitError'
}

export class NoLeaseError extends Error {
  override name = 'NoLeaseError'
}

export const MAX_PAGE = 100
const SCHEMA_VERSION = 1

// Integer keys rather than (peer_id, book_id): FTS5 external content needs an integer rowid, and a
// peer number instead of a 52-character peer ID in each of a million listings keeps them small.
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
CREATE VIRTUAL TABLE IF NOT EXISTS listings_fts USING fts5(
  title, author, file_name, content='listings', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS listings_ai AFTER INSERT ON listings BEGIN
  INSERT INTO listings_fts(rowid, title, author, file_name) VALUES (new.id, new.title, new.author, new.file_name);
END;
CREATE TRIGGER IF NOT EXISTS listings_ad AFTER DELETE ON listings BEGIN
  INSERT INTO listings_fts(listings_fts, rowid, title, author, file_name) VALUES ('delete', old.id, old.title, old.author, old.file_name);
END;
CREATE TRIGGER IF NOT EXISTS listings_au AFTER UPDATE ON listings BEGIN
  INSERT INTO listings_fts(listings_fts, rowid, title, author, file_name) VALUES ('delete', old.id, old.title, old.author, old.file_name);
  INSERT INTO listings_fts(rowid, title, author, file_name) VALUES (new.id, new.title, new.author, new.file_name);
END;
`

/** The SQL condition for "this peer is online" (p = peers). */
const LIVE = 'p.lease_expires_at > @now AND (p.disconnected_at IS NULL OR p.disconnected_at > @graceStart)'

interface ListingRow {
  book_id: string
  title: string
  author: string
  format: string
  size: number
  file_name: string
  language: string
  peer_id: string
  multiaddrs: string
  last_renewed_at: number
}

interface PeerRow { id: number, lease_expires_at: number }

type Params = Record<string, unknown>

export class Catalog {
  private readonly db: Database.Database
  private readonly now: () => number
  private readonly graceMs: number
  private readonly maxBooksPerPeer: number
  /** Search statements differ by which filters are present: prepared on first use, then reused. */
  private readonly searchStatements = new Map<string, Database.Statement>()

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
  private readonly hitsStmt: Database.Statement<[Params], ListingRow>
  private readonly peerStatsStmt: Database.Statement<[Params], { registered: number, online: number | null }>
  private readonly listingStatsStmt: Database.Statement<[Params], { providers: number, books: number }>
  private readonly matchCountStmt: Database.Statement<[Params], number>
  private readonly putBooksTx: (peerId: string, books: BookRecord[], replace: boolean) => number
  private readonly removeBooksTx: (peerId: string, ids: string[]) => number

  constructor (options: CatalogOptions) {
    this.db = new Database(options.path)
    this.now = options.now ?? Date.now
    this.graceMs = options.disconnectGraceMs ?? 30_000
    this.maxBooksPerPeer = options.maxBooksPerPeer ?? 10_000
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    const version = this.db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) {
      this.db.close()
      throw new Error(`catalog ${options.path} has schema ${version}, newer than this arkshare (${SCHEMA_VERSION})`)
    }
    if (version < SCHEMA_VERSION) {
      this.db.transaction(() => {
        this.db.exec(SCHEMA)
        // rank = bm25 with title weighing most, then author, then file name; FTS5 sorts by it
        // itself and keeps the setting in the database
        this.db.prepare("INSERT INTO listings_fts(listings_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0)')").run()
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`)
      })()
    }

    const db = this.db
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
    this.hitsStmt = db.prepare<[Params], ListingRow>(`SELECT l.book_id, l.title, l.author, l.format, l.size, l.file_name, l.language,
        p.peer_id, p.multiaddrs, p.last_renewed_at
      FROM listings l JOIN peers p ON p.id = l.peer
      WHERE l.book_id IN (SELECT value FROM json_each(@ids)) AND ${LIVE}
      ORDER BY p.last_renewed_at DESC, p.peer_id`)
    this.peerStatsStmt = db.prepare<[Params], { registered: number, online: number | null }>(`SELECT count(*) AS registered,
        sum(CASE WHEN disconnected_at IS NULL OR disconnected_at > @graceStart THEN 1 ELSE 0 END) AS online
      FROM peers WHERE lease_expires_at > @now`)
    this.listingStatsStmt = db.prepare<[Params], { providers: number, books: number }>(`SELECT count(*) AS providers, count(DISTINCT l.book_id) AS books
      FROM listings l JOIN peers p ON p.id = l.peer WHERE ${LIVE}`)
    this.matchCountStmt = db.prepare<[Params], number>('SELECT count(*) FROM (SELECT 1 FROM listings_fts WHERE listings_fts MATCH @match LIMIT @cap)').pluck()

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
    this.upsertPeerStmt.run({ peerId, multiaddrs: JSON.stringify(multiaddrs), expires: leaseExpiresAt, now: this.now() })
  }

  /**
   * Adds or updates this peer's listings; with replace, its other listings go. One transaction.
   * Returns the peer's listing count. Throws CatalogLimitError (changing nothing) past
   * maxBooksPerPeer, NoLeaseError without a live lease.
   */
  putBooks (peerId: string, books: BookRecord[], replace: boolean): number {
    return this.putBooksTx(peerId, books, replace)
  }

  /** Returns the peer's remaining listing count (0 for an unknown peer). */
  removeBooks (peerId: string, ids: string[]): number {
    return this.removeBooksTx(peerId, ids)
  }

  /** Extends a live lease; false (changing nothing) if the peer is unknown or its lease lapsed. */
  renew (peerId: string, leaseExpiresAt: number): boolean {
    return this.renewStmt.run({ peerId, expires: leaseExpiresAt, now: this.now() }).changes > 0
  }

  unregister (peerId: string): void {
    this.unregisterStmt.run(peerId)
  }

  bookCount (peerId: string): number {
    const row = this.peerRowStmt.get(peerId)
    return row == null ? 0 : this.listingCountStmt.get(row.id) ?? 0
  }

  leaseExpiresAt (peerId: string): number | undefined {
    return this.peerRowStmt.get(peerId)?.lease_expires_at
  }

  markDisconnected (peerId: string, at = this.now()): void {
    this.disconnectStmt.run(at, peerId)
  }

  markConnected (peerId: string): void {
    this.connectStmt.run(peerId)
  }

  /** Deletes peers whose lease ended, with their listings; returns how many peers went. */
  sweepExpired (): number {
    return this.sweepStmt.run(this.now()).changes
  }

  private searchStatement (sql: string): Database.Statement {
    let s = this.searchStatements.get(sql)
    if (s == null) {
      s = this.db.prepare(sql)
      this.searchStatements.set(sql, s)
    }
    return s
  }

  /**
   * One hit per book with a live provider: ranked by bm25 over its best listing when the query has
   * words, by title otherwise (filters only, or browsing a provider or a book). `limit` is capped
   * at MAX_PAGE.
   */
  search (query: ParsedQuery | undefined, options: SearchOptions = {}): SearchPage {
    const limit = Math.min(Math.max(Math.floor(options.limit ?? 50) || 50, 1), MAX_PAGE)
    const offset = Math.max(Math.floor(options.offset ?? 0) || 0, 0)
    const params: Params = { ...this.times(), limit, offset }
    const where = [LIVE]
    const text = query == null ? undefined : toFtsMatch(query)
    const author = query == null ? undefined : toAuthorMatch(query)
    const exclusion = query == null ? undefined : toExclusionMatch(query)
    if (exclusion != null) { where.push('l.id NOT IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH @exclusion)'); params.exclusion = exclusion }
    if (query?.format != null) { where.push('lower(l.format) = @format'); params.format = query.format }
    // "en" also matches "en-GB"; compared with substr, as LIKE would read _ and % in the filter
    if (query?.language != null) {
      where.push("(lower(l.language) = @lang OR substr(lower(l.language), 1, length(@lang) + 1) = @lang || '-')")
      params.lang = query.language
    }
    if (query?.minSize != null) { where.push('l.size >= @minSize'); params.minSize = query.minSize }
    if (query?.maxSize != null) { where.push('l.size <= @maxSize'); params.maxSize = query.maxSize }
    if (options.provider != null) { where.push('p.peer_id = @provider'); params.provider = options.provider }
    if (options.bookId != null) { where.push('l.book_id = @bookId'); params.bookId = options.bookId }

    if (text != null) {
      params.match = author == null ? text : `${text} AND ${author}`
      return this.searchRanked(where.join(' AND '), params, offset, limit)
    }
    if (author != null) { where.push('l.id IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH @author)'); params.author = author }

    // no words (filters, browse, one book): by title, the total counted in the same pass
    const filters = where.join(' AND ')
    const from = 'listings l JOIN peers p ON p.id = l.peer'
    const sql = `WITH books AS (SELECT l.book_id AS book_id, min(l.title COLLATE NOCASE) AS sort FROM ${from} WHERE ${filters} GROUP BY l.book_id)
      SELECT book_id, count(*) OVER () AS total FROM books ORDER BY sort COLLATE NOCASE, book_id LIMIT @limit OFFSET @offset`
    const page = this.searchStatement(sql).all(params) as Array<{ book_id: string, total: number }>
    let total = page[0]?.total
    if (total == null) {
      // a page past the end holds no row to carry the total
      total = offset === 0 ? 0 : this.searchStatement(`SELECT count(DISTINCT l.book_id) FROM ${from} WHERE ${filters}`).pluck().get(params) as number
    }
    return { total, hits: this.hitsFor(page.map(r => r.book_id)) }
  }

  /**
   * Word searches rank books by their best listing (bm25: title weighs most, then author, file
   * name). Only the best-scoring `cap` matches are joined and grouped, growing the cap until the
   * page is full or every match was seen: a common word then costs a sort of its matches, not a
   * join and group of all of them. A book's best listing comes before its others, so the books
   * seen are exactly the best-ranked ones. When matches were left unseen, the total is a lower bound.
   */
  private searchRanked (filters: string, params: Params, offset: number, limit: number): SearchPage {
    const want = offset + limit
    const sql = `WITH c AS MATERIALIZED (
        SELECT rowid AS id, rank AS score FROM listings_fts
        WHERE listings_fts MATCH @match ORDER BY rank LIMIT @cap
      )
      SELECT l.book_id AS book_id, min(c.score) AS rank, (SELECT count(*) FROM c) AS seen
      FROM c JOIN listings l ON l.id = c.id JOIN peers p ON p.id = l.peer
      WHERE ${filters} GROUP BY l.book_id ORDER BY rank, l.book_id`
    const statement = this.searchStatement(sql)
    for (let cap = Math.max(400, want * 4); ; cap *= 8) {
      const rows = statement.all({ ...params, cap }) as Array<{ book_id: string, seen: number }>
      const seen = rows[0]?.seen ?? this.matchCountStmt.get({ match: params.match, cap }) ?? 0
      const exhausted = seen < cap
      if (rows.length >= want || exhausted) {
        // unseen matches are not counted (that would cost another pass): the total is then a floor
        return { total: rows.length, totalIsEstimate: !exhausted, hits: this.hitsFor(rows.slice(offset, want).map(r => r.book_id)) }
      }
    }
  }

  /** One query for the live providers (and metadata, from the freshest listing) of a page of books. */
  private hitsFor (bookIds: string[]): SearchHit[] {
    if (bookIds.length === 0) return []
    const rows = this.hitsStmt.all({ ...this.times(), ids: JSON.stringify(bookIds) })
    const hits = new Map<string, SearchHit>()
    for (const row of rows) {
      let hit = hits.get(row.book_id)
      if (hit == null) {
        hit = {
          book: { id: row.book_id, title: row.title, author: row.author, format: row.format, size: row.size, fileName: row.file_name, language: row.language },
          providers: []
        }
        hits.set(row.book_id, hit)
      }
      hit.providers.push({ peerId: row.peer_id, multiaddrs: JSON.parse(row.multiaddrs) as string[], lastRenewedAt: row.last_renewed_at })
    }
    return bookIds.map(id => hits.get(id)).filter((h): h is SearchHit => h != null)
  }

  stats (): CatalogStats {
    const t = this.times()
    const peers = this.peerStatsStmt.get(t) ?? { registered: 0, online: 0 }
    const listings = this.listingStatsStmt.get(t) ?? { providers: 0, books: 0 }
    return { peersOnline: peers.online ?? 0, peersRegistered: peers.registered, books: listings.books, providers: listings.providers }
  }

  close (): void {
    if (!this.db.open) return
    // lets SQLite refresh the statistics its query planner uses, cheaply, as it recommends on close
    this.db.pragma('optimize')
    this.db.close()
  }
}
