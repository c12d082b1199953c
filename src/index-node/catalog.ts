// The index's catalog: who shares which book, as leases, in SQLite (WAL) with an FTS5 index over
// title, author and file name. Leases are absolute times, so a restarted index keeps counting.
import Database from 'better-sqlite3'
import { toExclusionMatch, toFtsMatch, type ParsedQuery } from './query.js'
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

export class Catalog {
  private readonly db: Database.Database
  private readonly now: () => number
  private readonly graceMs: number
  private readonly maxBooksPerPeer: number
  private readonly statements = new Map<string, Database.Statement>()

  constructor (options: CatalogOptions) {
    this.db = new Database(options.path)
    this.now = options.now ?? Date.now
    this.graceMs = options.disconnectGraceMs ?? 30_000
    this.maxBooksPerPeer = options.maxBooksPerPeer ?? 10_000
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    const version = this.db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) throw new Error(`catalog ${options.path} has schema ${version}, newer than this arkshare (${SCHEMA_VERSION})`)
    this.db.exec(SCHEMA)
    // rank = bm25 with title weighing most, then author, then file name; FTS5 sorts by it itself
    this.db.prepare("INSERT INTO listings_fts(listings_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0)')").run()
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`)
  }

  /** Statements are prepared once per distinct SQL text and reused. */
  private stmt (sql: string): Database.Statement {
    let s = this.statements.get(sql)
    if (s == null) {
      s = this.db.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  private times (): { now: number, graceStart: number } {
    const now = this.now()
    return { now, graceStart: now - this.graceMs }
  }

  private peerRow (peerId: string): { id: number, lease_expires_at: number } | undefined {
    return this.stmt('SELECT id, lease_expires_at FROM peers WHERE peer_id = ?').get(peerId) as { id: number, lease_expires_at: number } | undefined
  }

  upsertPeer (peerId: string, multiaddrs: string[], leaseExpiresAt: number): void {
    this.stmt(`INSERT INTO peers (peer_id, multiaddrs, lease_expires_at, last_renewed_at, disconnected_at) VALUES (?, ?, ?, ?, NULL)
      ON CONFLICT (peer_id) DO UPDATE SET multiaddrs = excluded.multiaddrs, lease_expires_at = excluded.lease_expires_at,
      last_renewed_at = excluded.last_renewed_at, disconnected_at = NULL`)
      .run(peerId, JSON.stringify(multiaddrs), leaseExpiresAt, this.now())
  }

  private livePeer (peerId: string): number {
    const row = this.peerRow(peerId)
    if (row == null || row.lease_expires_at <= this.now()) throw new NoLeaseError(`${peerId} has no live lease`)
    return row.id
  }

  putBooks (peerId: string, books: BookRecord[], replace: boolean): number {
    return this.db.transaction(() => {
      const peer = this.livePeer(peerId)
      const ids = new Set(books.map(b => b.id))
      let after: number
      if (replace) {
        after = ids.size
      } else {
        const existing = this.bookCount(peerId)
        let fresh = 0
        const has = this.stmt('SELECT 1 FROM listings WHERE peer = ? AND book_id = ?').pluck()
        for (const id of ids) if (has.get(peer, id) == null) fresh++
        after = existing + fresh
      }
      if (after > this.maxBooksPerPeer) throw new CatalogLimitError(`a peer may list at most ${this.maxBooksPerPeer} books (this would make ${after})`)
      if (replace) this.stmt('DELETE FROM listings WHERE peer = ?').run(peer)
      const upsert = this.stmt(`INSERT INTO listings (peer, book_id, title, author, file_name, format, size, language)
        VALUES (@peer, @id, @title, @author, @fileName, @format, @size, @language)
        ON CONFLICT (peer, book_id) DO UPDATE SET title = excluded.title, author = excluded.author, file_name = excluded.file_name,
        format = excluded.format, size = excluded.size, language = excluded.language
        WHERE title IS NOT excluded.title OR author IS NOT excluded.author OR file_name IS NOT excluded.file_name
          OR format IS NOT excluded.format OR size IS NOT excluded.size OR language IS NOT excluded.language`)
      for (const b of books) upsert.run({ peer, ...b })
      return after
    })()
  }

  removeBooks (peerId: string, ids: string[]): number {
    return this.db.transaction(() => {
      const row = this.peerRow(peerId)
      if (row == null) return 0
      const remove = this.stmt('DELETE FROM listings WHERE peer = ? AND book_id = ?')
      for (const id of ids) remove.run(row.id, id)
      return this.bookCount(peerId)
    })()
  }

  renew (peerId: string, leaseExpiresAt: number): boolean {
    const result = this.stmt('UPDATE peers SET lease_expires_at = ?, last_renewed_at = ? WHERE peer_id = ? AND lease_expires_at > ?')
      .run(leaseExpiresAt, this.now(), peerId, this.now())
    return result.changes > 0
  }

  unregister (peerId: string): void {
    this.stmt('DELETE FROM peers WHERE peer_id = ?').run(peerId)
  }

  bookCount (peerId: string): number {
    return this.stmt('SELECT count(*) FROM listings l JOIN peers p ON p.id = l.peer WHERE p.peer_id = ?').pluck().get(peerId) as number
  }

  leaseExpiresAt (peerId: string): number | undefined {
    return this.peerRow(peerId)?.lease_expires_at
  }

  markDisconnected (peerId: string, at = this.now()): void {
    this.stmt('UPDATE peers SET disconnected_at = ? WHERE peer_id = ? AND disconnected_at IS NULL').run(at, peerId)
  }

  markConnected (peerId: string): void {
    this.stmt('UPDATE peers SET disconnected_at = NULL WHERE peer_id = ?').run(peerId)
  }

  sweepExpired (): number {
    return this.stmt('DELETE FROM peers WHERE lease_expires_at <= ?').run(this.now()).changes
  }

  search (query: ParsedQuery | undefined, options: SearchOptions = {}): SearchPage {
    const limit = Math.max(1, Math.min(options.limit ?? 50, MAX_PAGE))
    const offset = Math.max(0, options.offset ?? 0)
    const params: Record<string, unknown> = { ...this.times(), limit, offset }
    const where = [LIVE]
    const match = query == null ? undefined : toFtsMatch(query)
    const exclusion = query == null ? undefined : toExclusionMatch(query)
    if (match != null) { where.push('listings_fts MATCH @match'); params.match = match }
    if (exclusion != null) { where.push('l.id NOT IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH @exclusion)'); params.exclusion = exclusion }
    if (query?.format != null) { where.push('l.format = @format'); params.format = query.format }
    if (query?.language != null) { where.push("(lower(l.language) = @lang OR lower(l.language) LIKE @lang || '-%')"); params.lang = query.language }
    if (query?.minSize != null) { where.push('l.size >= @minSize'); params.minSize = query.minSize }
    if (query?.maxSize != null) { where.push('l.size <= @maxSize'); params.maxSize = query.maxSize }
    if (options.provider != null) { where.push('p.peer_id = @provider'); params.provider = options.provider }
    if (options.bookId != null) { where.push('l.book_id = @bookId'); params.bookId = options.bookId }

    const filters = where.filter(w => w !== 'listings_fts MATCH @match').join(' AND ')
    if (match != null) return this.searchRanked(filters, params, offset, limit)

    // no words (filters, browse, one book): order by title
    const from = 'listings l JOIN peers p ON p.id = l.peer'
    const sql = `WITH books AS (SELECT l.book_id AS book_id, min(l.title) AS rank FROM ${from} WHERE ${filters} GROUP BY l.book_id)
      SELECT book_id, rank, count(*) OVER () AS total FROM books ORDER BY rank, book_id LIMIT @limit OFFSET @offset`
    const page = this.stmt(sql).all(params) as Array<{ book_id: string, total: number }>
    let total = page[0]?.total
    if (total == null) {
      total = offset === 0 ? 0 : this.stmt(`SELECT count(DISTINCT l.book_id) FROM ${from} WHERE ${filters}`).pluck().get(params) as number
    }
    return { total, hits: this.hitsFor(page.map(r => r.book_id)) }
  }

  /**
   * Word searches rank books by their best listing (bm25: title weighs most, then author, file
   * name). Only the best-scoring `cap` matches are joined and grouped, growing the cap until the
   * page is full or every match was seen: a common word then costs a sort of its matches, not a
   * join and group of all of them. When matches were left unseen, the total is a lower bound.
   */
  private searchRanked (filters: string, params: Record<string, unknown>, offset: number, limit: number): SearchPage {
    const want = offset + limit
    const sql = `WITH c AS MATERIALIZED (
        SELECT rowid AS id, rank AS score FROM listings_fts
        WHERE listings_fts MATCH @match ORDER BY rank LIMIT @cap
      )
      SELECT l.book_id AS book_id, min(c.score) AS rank, (SELECT count(*) FROM c) AS seen
      FROM c JOIN listings l ON l.id = c.id JOIN peers p ON p.id = l.peer
      WHERE ${filters} GROUP BY l.book_id ORDER BY rank, l.book_id`
    for (let cap = Math.max(400, want * 4); ; cap *= 8) {
      const rows = this.stmt(sql).all({ ...params, cap }) as Array<{ book_id: string, seen: number }>
      const seen = rows[0]?.seen ?? (this.stmt('SELECT count(*) FROM (SELECT 1 FROM listings_fts WHERE listings_fts MATCH @match LIMIT @cap)').pluck().get({ match: params.match, cap }) as number)
      const exhausted = seen < cap
      if (rows.length >= want || exhausted) {
        // unseen matches are not counted (that would cost another pass): the total is then a floor
        return { total: rows.length, totalIsEstimate: !exhausted, hits: this.hitsFor(rows.slice(offset, want).map(r => r.book_id)) }
      }
    }
  }

  /** One query for the providers (and metadata) of a whole page of books. */
  private hitsFor (bookIds: string[]): SearchHit[] {
    if (bookIds.length === 0) return []
    const rows = this.stmt(`SELECT l.book_id, l.title, l.author, l.format, l.size, l.file_name, l.language, p.peer_id, p.multiaddrs, p.last_renewed_at
      FROM listings l JOIN peers p ON p.id = l.peer
      WHERE l.book_id IN (SELECT value FROM json_each(@ids)) AND ${LIVE}
      ORDER BY p.last_renewed_at DESC, p.peer_id`).all({ ...this.times(), ids: JSON.stringify(bookIds) }) as ListingRow[]
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
    const peers = this.stmt(`SELECT count(*) AS registered, sum(CASE WHEN disconnected_at IS NULL OR disconnected_at > @graceStart THEN 1 ELSE 0 END) AS online
      FROM peers WHERE lease_expires_at > @now`).get(t) as { registered: number, online: number | null }
    const listings = this.stmt(`SELECT count(*) AS providers, count(DISTINCT l.book_id) AS books FROM listings l JOIN peers p ON p.id = l.peer WHERE ${LIVE}`)
      .get(t) as { providers: number, books: number }
    return { peersOnline: peers.online ?? 0, peersRegistered: peers.registered, books: listings.books, providers: listings.providers }
  }

  close (): void {
    this.db.close()
  }
}
