// How changes to the catalog reach its in-memory text index: the one way they do. SQLite is the
// store of record; the text index and the providers as results show them are derived from it,
// loaded at open, then fed every change a write made, once the write has committed.
//
// The changes are caught by TEMP triggers (part of this connection only, so the file stays readable
// by any SQLite tool), whichever statement or foreign-key cascade makes them. Each trigger calls an
// SQL function that queues the change as a typed CatalogChange; write() applies the queue after the
// write returns, so a change rolled back (a limit refused mid-way) never reaches the index.
//
// With a snapshot file, the text index is read back from it at open when it was saved at the
// catalog's present state (see text-index-snapshot.ts), and saved to it on request.
import { TextIndex, type IndexedListing } from '../text-index/index.js'
import { SnapshotLayoutError } from '../text-index/snapshot-sections.js'
import { readSnapshot, removeSnapshot, SnapshotRefused, writeSnapshot, type CatalogStamp } from './text-index-snapshot.js'
import type { ProviderRecord } from './types.js'
import type { ProviderReachability } from '../../wire/records.js'
import type Database from 'better-sqlite3'

/** A peers row as the text index and the results need it. */
export interface PeerState {
  /** peers.id */
  id: number
  leaseExpiresAt: number
  disconnectedAt: number | null
  peerId: string
  /** A JSON array, as stored. */
  multiaddrs: string
  lastRenewedAt: number
  reachability: ProviderReachability
}

/** Where the text index came from at open, and how long that took. */
export interface TextIndexOrigin {
  source: 'snapshot' | 'catalog'
  /** Why the snapshot was not used (with source 'catalog' and a snapshot file configured). */
  refused?: string
  ms: number
}

/** One row changed in the catalog: a listing or a peer put (inserted or updated) or removed. */
export type CatalogChange =
  | { type: 'listing-put', listing: IndexedListing }
  | { type: 'listing-removed', id: number }
  | { type: 'peer-put', peer: PeerState }
  | { type: 'peer-removed', id: number }

// The columns the triggers and the loader pass, in this order (the rows below read them back).
const LISTING_COLUMNS = ['id', 'peer', 'book_id', 'title', 'author', 'file_name', 'format', 'size', 'language']
const PEER_COLUMNS = ['id', 'lease_expires_at', 'disconnected_at', 'peer_id', 'multiaddrs', 'last_renewed_at', 'reachability']
type ListingRow = [id: number, peer: number, bookId: string, title: string, author: string, fileName: string, format: string, size: number, language: string]
type PeerRow = [id: number, leaseExpiresAt: number, disconnectedAt: number | null, peerId: string, multiaddrs: string, lastRenewedAt: number, reachability: ProviderReachability]

function listingOf ([id, peer, bookId, title, author, fileName, format, size, language]: ListingRow): IndexedListing {
  return { id, peer, bookId, title, author, fileName, format, size, language }
}

function peerOf ([id, leaseExpiresAt, disconnectedAt, peerId, multiaddrs, lastRenewedAt, reachability]: PeerRow): PeerState {
  return { id, leaseExpiresAt, disconnectedAt, peerId, multiaddrs, lastRenewedAt, reachability }
}

/** `new.a, new.b, ...`: a row's columns as a trigger passes them. */
const columnsOf = (row: 'new' | 'old', columns: string[]): string => columns.map(c => `${row}.${c}`).join(', ')

// A removal passes only the row's id: one argument tells a removal from a put.
const SYNC_TRIGGERS = `
CREATE TEMP TRIGGER listing_added AFTER INSERT ON main.listings BEGIN
  SELECT arkshare_listing(${columnsOf('new', LISTING_COLUMNS)});
END;
CREATE TEMP TRIGGER listing_removed AFTER DELETE ON main.listings BEGIN
  SELECT arkshare_listing(old.id);
END;
CREATE TEMP TRIGGER listing_changed AFTER UPDATE ON main.listings BEGIN
  SELECT arkshare_listing(${columnsOf('new', LISTING_COLUMNS)});
END;
CREATE TEMP TRIGGER peer_added AFTER INSERT ON main.peers BEGIN
  SELECT arkshare_peer(${columnsOf('new', PEER_COLUMNS)});
END;
CREATE TEMP TRIGGER peer_changed AFTER UPDATE ON main.peers BEGIN
  SELECT arkshare_peer(${columnsOf('new', PEER_COLUMNS)});
END;
CREATE TEMP TRIGGER peer_removed AFTER DELETE ON main.peers BEGIN
  SELECT arkshare_peer(old.id);
END;
`

export class TextIndexSync {
  /** Ranked word search over the listings of every peer. */
  readonly text = new TextIndex()
  /** Every registered peer (by peers.id) as a search result shows it; a record is replaced on change, never edited. */
  readonly providers = new Map<number, ProviderRecord>()
  private removed = 0
  private writes = 0
  /** Changes the triggers reported inside the current write, applied once it has committed. */
  private pending: CatalogChange[] = []
  readonly origin: TextIndexOrigin
  private readonly catalogId: string
  /**
   * The catalog generation the text index holds: as loaded, plus one per listing change applied
   * (the database's triggers count the same rows). A database generation past it means another
   * connection changed listings, and the index must not be saved as the catalog's.
   */
  private generation: number
  private savedGeneration = -1
  private saving?: Promise<boolean>
  private readonly readGeneration: () => number
  private readonly readLastListing: () => number

  /**
   * Loads the text index from `snapshot` when it matches the catalog, else from `db` (then the
   * snapshot, stale, is removed); then installs the triggers that keep it in step.
   */
  constructor (db: Database.Database, private readonly snapshot?: string) {
    const started = performance.now()
    const generation = db.prepare<[], number>('SELECT generation FROM catalog_state').pluck()
    this.readGeneration = () => generation.get() ?? 0
    const lastListing = db.prepare<[], number>('SELECT coalesce(max(id), 0) FROM listings').pluck()
    this.readLastListing = () => lastListing.get() ?? 0
    const { catalogId, source, refused } = db.transaction(() => this.load(db))()
    this.catalogId = catalogId
    this.generation = this.readGeneration()
    if (source === 'snapshot') this.savedGeneration = this.generation
    this.origin = { source, refused, ms: Math.round(performance.now() - started) }
    db.function('arkshare_listing', { varargs: true, deterministic: false }, (...row: unknown[]) => {
      this.pending.push(row.length === 1 ? { type: 'listing-removed', id: row[0] as number } : { type: 'listing-put', listing: listingOf(row as ListingRow) })
      return null
    })
    db.function('arkshare_peer', { varargs: true, deterministic: false }, (...row: unknown[]) => {
      this.pending.push(row.length === 1 ? { type: 'peer-removed', id: row[0] as number } : { type: 'peer-put', peer: peerOf(row as PeerRow) })
      return null
    })
    db.exec(SYNC_TRIGGERS)
  }

  /**
   * Listings and peers removed since the catalog opened. Removals are the one change a cached
   * search page must not outlive: additions may show up a little late, and leases and grace periods
   * bound a page's life through its validUntil.
   */
  get removals (): number { return this.removed }

  /** Writes that changed something since the catalog opened: a count made before one is out of date. */
  get changedWrites (): number { return this.writes }

  /**
   * Runs a write to the database (a statement, or a transaction), then applies what it changed to
   * the text index: only after it committed, so a change rolled back never reaches the index.
   */
  write<T> (run: () => T): T {
    this.pending = []
    try {
      const result = run()
      for (const change of this.pending) {
        this.apply(change)
        if (change.type === 'listing-put' || change.type === 'listing-removed') this.generation++
      }
      if (this.pending.length > 0) this.writes++
      return result
    } finally {
      this.pending = []
    }
  }

  private apply (change: CatalogChange): void {
    switch (change.type) {
      case 'listing-put': this.text.add(change.listing); break
      case 'listing-removed': this.text.remove(change.id); this.removed++; break
      case 'peer-put': this.putPeer(change.peer); break
      case 'peer-removed': this.removePeer(change.id); this.removed++; break
    }
  }

  private putPeer (peer: PeerState): void {
    this.text.setPeer(peer.id, peer.leaseExpiresAt, peer.disconnectedAt)
    this.providers.set(peer.id, { peerId: peer.peerId, multiaddrs: JSON.parse(peer.multiaddrs) as string[], lastRenewedAt: peer.lastRenewedAt, reachability: peer.reachability })
  }

  private removePeer (id: number): void {
    this.text.setPeer(id, 0, null)
    this.providers.delete(id)
  }

  /**
   * Saves the text index to the snapshot file when it changed since it was last saved there; true
   * when it wrote one. Its bytes are taken at once (writes after the call are not in it), fsynced
   * and renamed in place after. Throws when another connection changed listings behind the index.
   */
  async saveSnapshot (): Promise<boolean> {
    // one save at a time (callers waiting together would otherwise start theirs together)
    while (this.saving != null) await this.saving.catch(() => false)
    if (this.snapshot == null || this.generation === this.savedGeneration) return false
    const stored = this.readGeneration()
    if (stored !== this.generation) throw new Error(`the catalog is at generation ${stored}, its text index at ${this.generation}: not saved`)
    const stamp: CatalogStamp = { catalogId: this.catalogId, generation: this.generation, lastListing: this.readLastListing() }
    this.saving = writeSnapshot(this.snapshot, stamp, (w) => { this.text.save(w) }).then(() => {
      this.savedGeneration = stamp.generation
      return true
    }).finally(() => { this.saving = undefined })
    return await this.saving
  }

  /**
   * Fills the text index (at open: it lives in memory) from the snapshot or the database, then
   * the peers from the database; inside one read transaction, so all of it is one catalog state.
   */
  private load (db: Database.Database): { catalogId: string, source: TextIndexOrigin['source'], refused?: string } {
    const catalogId = db.prepare<[], string>('SELECT catalog_id FROM catalog_state').pluck().get() ?? ''
    let refused: string | undefined
    if (this.snapshot != null) {
      const stamp: CatalogStamp = { catalogId, generation: this.readGeneration(), lastListing: this.readLastListing() }
      try {
        this.text.restore(readSnapshot(this.snapshot, stamp))
      } catch (err) {
        if (!(err instanceof SnapshotRefused) && !(err instanceof SnapshotLayoutError)) throw err
        refused = err.message
        removeSnapshot(this.snapshot)
      }
    }
    if (refused != null || this.snapshot == null) {
      const listings = db.prepare(`SELECT ${LISTING_COLUMNS.join(', ')} FROM listings`).raw()
      const rows = listings.iterate() as Iterable<ListingRow>
      this.text.load((function * () {
        for (const row of rows) yield listingOf(row)
      })())
    }
    const peers = db.prepare(`SELECT ${PEER_COLUMNS.join(', ')} FROM peers`).raw()
    for (const row of peers.iterate() as Iterable<PeerRow>) this.putPeer(peerOf(row))
    return { catalogId, source: refused != null || this.snapshot == null ? 'catalog' : 'snapshot', refused }
  }
}
