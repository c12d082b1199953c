// The index's catalog: who shares which book, as leases, in SQLite (WAL), the store of record, with
// an in-memory text index for ranked word search kept in step with it by every write (see
// text-index-sync.ts). Leases are absolute times, so a restarted index keeps counting.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { LIMITS } from '../../wire/protocols.js'
import { BOOKS_READ_AT_ONCE, DEFAULT_PAGE_SIZE, DISCONNECT_GRACE_MS, MAX_BOOKS_PER_PEER, MAX_UNRANKED_MATCHES, SEARCHES_ACTIVE_MS, WRITE_REST_FACTOR, WRITE_SLICE_MS } from '../constants.js'
import { CatalogLimitError, NoLeaseError } from '../errors.js'
import { pageHits } from './pages.js'
import { openCatalogDatabase } from './schema.js'
import { Checkpointer } from './checkpointer.js'
import { restAfterSlice, SlicedWrites } from './sliced-writes.js'
import { listingParams, prepareStatements, type CatalogStatements } from './statements.js'
import { digestFromWords } from '../../wire/listing-digest.js'
import { StatsCache } from './stats-cache.js'
import { TextIndexSync, type TextIndexOrigin } from './text-index-sync.js'
import { recordSlices, type BookRecord, type BookSlices, type CatalogOptions, type CatalogStats, type SearchOptions, type SearchPage } from './types.js'
import type { ParsedQuery } from '../query.js'
import type { ProviderReachability } from '../../wire/records.js'
import type Database from 'better-sqlite3'

export type { BookRecord, CatalogOptions, CatalogStats, ProviderRecord, SearchOptions, SearchPage } from './types.js'

function distinctIds (ids: readonly string[]): string[] {
  return [...new Set(ids)]
}

/** A generator's return value, run without pausing. */
function runToEnd<T> (steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
  }
}

/** A query without words or filters: with a provider or a book, browsing it (in title order). */
const NO_WORDS: ParsedQuery = { terms: [], phrases: [], excluded: [], prefixLast: false }

export class Catalog {
  private readonly db: Database.Database
  private readonly now: () => number
  /** How long a disconnected peer's listings stay in results. */
  readonly graceMs: number
  private readonly maxBooksPerPeer: number
  private readonly maxUnranked: number
  private readonly textIndexSync: TextIndexSync
  private readonly sql: CatalogStatements
  private readonly statsCache = new StatsCache()
  private readonly putBooksTx: (peerId: string, books: BookRecord[], replace: boolean) => number
  private readonly removeBooksTx: (peerId: string, ids: string[]) => number
  private readonly sliced: SlicedWrites
  private readonly checkpointer?: Checkpointer
  /** When the catalog last ran a search (performance.now(); pages from the search cache do not count): large writes rest while searches come in. */
  private lastSearchAt = -Infinity

  constructor (options: CatalogOptions) {
    this.now = options.now ?? Date.now
    this.graceMs = options.disconnectGraceMs ?? DISCONNECT_GRACE_MS
    this.maxBooksPerPeer = options.maxBooksPerPeer ?? MAX_BOOKS_PER_PEER
    this.maxUnranked = options.maxUnrankedMatches ?? MAX_UNRANKED_MATCHES
    this.db = openCatalogDatabase(options.path)
    this.textIndexSync = new TextIndexSync(this.db, options.textIndexSnapshot)
    this.sql = prepareStatements(this.db)
    if (options.path !== ':memory:' && options.path !== '') this.checkpointer = new Checkpointer(this.db, options.path, options.checkpoints)
    const checkpointer = this.checkpointer
    const rest = { factor: options.writeRestFactor ?? WRITE_REST_FACTOR, activeMs: SEARCHES_ACTIVE_MS }
    this.sliced = new SlicedWrites(this.db, this.sql, this.textIndexSync, options.writeSliceMs ?? WRITE_SLICE_MS, async () => { await checkpointer?.writable() },
      (sliceMs) => restAfterSlice(sliceMs, { ...rest, lastSearchAt: this.lastSearchAt, now: performance.now() }))
    this.putBooksTx = this.db.transaction((peerId: string, books: BookRecord[], replace: boolean): number => {
      const peer = this.livePeer(peerId)
      const distinct = distinctIds(books.map(b => b.id))
      const after = runToEnd(this.countAfterPut(peer, distinct, replace))
      if (replace) this.sql.removeOthers.run({ peer, ids: JSON.stringify(distinct) })
      for (const b of books) {
        this.sql.upsertListing.run(listingParams(peer, b))
      }
      return after
    })
    this.removeBooksTx = this.db.transaction((peerId: string, ids: string[]): number => {
      const row = this.sql.peerLease.get(peerId)
      if (row == null) return 0
      this.sql.removeListings.run({ peer: row.id, ids: JSON.stringify(ids) })
      return this.sql.listingCount.get(row.id) ?? 0
    })
  }

  /** Whether the text index was read from its snapshot at open, or built from the catalog. */
  get textIndexOrigin (): TextIndexOrigin { return this.textIndexSync.origin }

  /**
   * Saves the text index to the snapshot file (when one is configured and the index changed since
   * it was last saved); true when it wrote one. It holds every write made before the call.
   */
  async saveTextIndex (): Promise<boolean> {
    return await this.textIndexSync.saveSnapshot()
  }

  /**
   * The peer's listing count once a PUT of these distinct book IDs is applied; CatalogLimitError past
   * the limit. The IDs not listed yet are counted `idsAtOnce` at a time, one query each, pausing
   * (yield) in between: the index's sliced PUT lets searches run there.
   */
  private * countAfterPut (peer: number, distinct: string[], replace: boolean, idsAtOnce = distinct.length): Generator<void, number> {
    let after = replace ? distinct.length : this.textIndexSync.text.listingsOf(peer)
    const step = Math.max(1, idsAtOnce)
    const toCount = replace ? [] : distinct
    for (let i = 0; i < toCount.length; i += step) {
      if (i > 0) yield
      after += this.sql.countNewIds.get({ ids: JSON.stringify(toCount.slice(i, i + step)), peer }) ?? 0
    }
    if (after > this.maxBooksPerPeer) throw new CatalogLimitError(`a peer may list at most ${this.maxBooksPerPeer} books (this would make ${after})`)
    return after
  }

  /** Listings and peers removed since the catalog opened (see TextIndexSync.removals). */
  get removals (): number { return this.textIndexSync.removals }

  private livePeer (peerId: string): number {
    const row = this.sql.peerLease.get(peerId)
    if (row == null || row.lease_expires_at <= this.now()) throw new NoLeaseError(`${peerId} has no live lease`)
    return row.id
  }

  /**
   * Starts or renews a peer's lease and records its dialable addresses (and, when given, how it said
   * it can be reached); clears any disconnect mark.
   */
  upsertPeer (peerId: string, multiaddrs: string[], leaseExpiresAt: number, reachability?: ProviderReachability): void {
    this.textIndexSync.write(() => this.sql.upsertPeer.run({ peerId, multiaddrs: JSON.stringify(multiaddrs), expires: leaseExpiresAt, now: this.now(), reachability: reachability ?? null }))
  }

  /**
   * Adds or updates this peer's listings; with replace, its other listings go. One transaction.
   * Returns the peer's listing count. Throws CatalogLimitError (changing nothing) past
   * maxBooksPerPeer, NoLeaseError without a live lease.
   */
  putBooks (peerId: string, books: BookRecord[], replace: boolean): number {
    return this.textIndexSync.write(() => this.putBooksTx(peerId, books, replace))
  }

  /**
   * putBooks a slice at a time (see SlicedWrites), for requests from the network: searches run
   * between slices. Checked first: refused past the limit or without a live lease, changing nothing.
   */
  async putBooksInSlices (peerId: string, books: BookRecord[] | BookSlices, replace: boolean): Promise<number> {
    const peer = this.livePeer(peerId)
    if (Array.isArray(books)) books = recordSlices(books)
    const distinct = distinctIds(books.ids)
    const counting = this.countAfterPut(peer, distinct, replace, BOOKS_READ_AT_ONCE)
    let counted = counting.next()
    while (counted.done !== true) {
      await nextTurn()
      counted = counting.next()
    }
    const after = counted.value
    if (replace) await this.sliced.removeAllBut(peer, JSON.stringify(distinct))
    await this.sliced.put(peer, books)
    return after
  }

  /** removeBooks a slice at a time. */
  async removeBooksInSlices (peerId: string, ids: string[]): Promise<number> {
    const row = this.sql.peerLease.get(peerId)
    if (row == null) return 0
    await this.sliced.removeIds(row.id, ids)
    return this.textIndexSync.text.listingsOf(row.id)
  }

  /** unregister, its listings removed a slice at a time first. */
  async unregisterInSlices (peerId: string): Promise<void> {
    const row = this.sql.peerLease.get(peerId)
    if (row != null) await this.sliced.removeAllBut(row.id, '[]')
    this.unregister(peerId)
  }

  /** Returns the peer's remaining listing count (0 for an unknown peer). */
  removeBooks (peerId: string, ids: string[]): number {
    return this.textIndexSync.write(() => this.removeBooksTx(peerId, ids))
  }

  /** Extends a live lease (noting the reachability, when given); false (changing nothing) if the peer is unknown or its lease lapsed. */
  renew (peerId: string, leaseExpiresAt: number, reachability?: ProviderReachability): boolean {
    return this.textIndexSync.write(() => this.sql.renew.run({ peerId, expires: leaseExpiresAt, now: this.now(), reachability: reachability ?? null }).changes > 0)
  }

  unregister (peerId: string): void {
    this.textIndexSync.write(() => this.sql.unregister.run(peerId))
  }

  /**
   * Hides a peer from results at once but keeps its listing until its lease ends, so that it can
   * resume it after a restart (spec 5.2.1); false (changing nothing) without a live lease.
   */
  withdraw (peerId: string): boolean {
    const now = this.now()
    // listed as a peer whose grace period ends now: one liveness rule for searches, pages and counts
    return this.textIndexSync.write(() => this.sql.withdraw.run({ peerId, now, hiddenSince: now - this.graceMs }).changes > 0)
  }

  /** Lists a withdrawn peer again (its listing was confirmed, or put); a peer not withdrawn is left as it is. */
  showAgain (peerId: string): void {
    this.textIndexSync.write(() => this.sql.showAgain.run(peerId))
  }

  /** The digest of a peer's listing (spec 5.2.1), kept by the database's triggers; undefined for an unknown peer. */
  listingDigest (peerId: string): Uint8Array | undefined {
    const row = this.sql.peerLease.get(peerId)
    const words = row == null ? undefined : this.sql.listingDigest.get(row.id)
    return words == null ? undefined : digestFromWords(words)
  }

  bookCount (peerId: string): number {
    const row = this.sql.peerLease.get(peerId)
    return row == null ? 0 : this.textIndexSync.text.listingsOf(row.id)
  }

  leaseExpiresAt (peerId: string): number | undefined {
    return this.sql.peerLease.get(peerId)?.lease_expires_at
  }

  markDisconnected (peerId: string, at = this.now()): void {
    this.textIndexSync.write(() => this.sql.disconnect.run(at, peerId))
  }

  markConnected (peerId: string): void {
    this.textIndexSync.write(() => this.sql.connect.run(peerId))
  }

  /** Deletes peers whose lease ended, with their listings; returns how many peers went. */
  sweepExpired (): number {
    return this.textIndexSync.write(() => this.sql.sweep.run(this.now()).changes)
  }

  /**
   * sweepExpired, each lapsed peer's listings removed a slice at a time first: a stopped peer's kept
   * listing of 100,000 books (spec 5.2.1) would otherwise go in one long write. A slice runs only
   * while the peer's lease is still over: one that registers again meanwhile keeps what it sends.
   */
  async sweepExpiredInSlices (): Promise<number> {
    for (const peer of this.sql.expiredPeers.all(this.now())) {
      await this.sliced.removeAllBut(peer, '[]', () => this.sql.leaseOver.get({ peer, now: this.now() }) === 1)
    }
    return this.sweepExpired()
  }

  /**
   * One hit per book with a live provider. A query goes to the text index: ranked by bm25 over a
   * book's best listing when it has words; by title when it has only filters and exclusions (past
   * maxUnrankedMatches books that is a TooBroadError). Browsing a provider or one book without a
   * query lists all its books, by title, reading only its listings. `limit` is capped at the wire's page size.
   */
  search (query: ParsedQuery | undefined, options: SearchOptions = {}): SearchPage {
    this.lastSearchAt = performance.now()
    const limit = Math.min(Math.max(Math.floor(options.limit ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE, 1), LIMITS.search.maxResultsPerPage)
    const offset = Math.max(Math.floor(options.offset ?? 0) || 0, 0)
    const now = this.now()
    let peer: number | undefined
    if (options.provider != null) {
      peer = this.sql.peerLease.get(options.provider)?.id
      if (peer == null) return { total: 0, totalIsEstimate: false, hits: [], validUntil: Infinity }
    }
    // browsing (no query) lists everything the provider or the book has: no cap on unranked matches
    const maxUnranked = query == null ? Infinity : this.maxUnranked
    const filters = { now, graceStart: now - this.graceMs, peer, bookId: options.bookId, maxUnranked }
    const ranked = this.textIndexSync.text.search(query ?? NO_WORDS, filters, offset, limit)
    return { total: ranked.total, totalIsEstimate: ranked.totalIsEstimate, ...pageHits(this.textIndexSync, ranked.books, this.now(), this.graceMs) }
  }

  /** Peers, books and providers online (counted at most once a second while nothing changes). */
  stats (): CatalogStats {
    const now = this.now()
    return this.statsCache.get(now, this.textIndexSync.changedWrites, () => this.textIndexSync.text.liveCounts(now, now - this.graceMs))
  }

  close (): void {
    if (!this.db.open) return
    this.checkpointer?.stop()
    // lets SQLite refresh the statistics its query planner uses, cheaply, as it recommends on close
    this.db.pragma('optimize')
    this.db.close()
  }
}
