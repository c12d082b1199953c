// Every statement the catalog runs on its tables, prepared once and typed by what it binds and returns.
// (The text index's loader and triggers are in text-index-sync.ts.)
import { listingHashWords } from '../../wire/listing-digest.js'
import type { hashColumns } from './schema.js'
import type Database from 'better-sqlite3'
import type { BookRecord } from '../../wire/records.js'

/** A peer's row number and lease end. */
export interface PeerLeaseRow { id: number, lease_expires_at: number }

/** A listings row as bound by upsertListing: a book as its provider lists it, and its hash; `peer` is the peers row number. */
export interface ListingParams extends BookRecord, ReturnType<typeof hashColumns> {
  peer: number
}

/** The row upsertListing writes for one of a peer's books: its fields and its listing hash (spec 5.2.1). */
export function listingParams (peer: number, b: BookRecord): ListingParams {
  // one object per row, no spread: a registration of 100,000 books makes 100,000 of them
  const [hash0, hash1, hash2, hash3] = listingHashWords(b)
  return { peer, id: b.id, title: b.title, author: b.author, fileName: b.fileName, format: b.format, size: b.size, language: b.language, hash0, hash1, hash2, hash3 }
}

/** A peer's listing digest as its four stored words. */
export type DigestRow = [number, number, number, number]

/** A peer's lease and addresses (`multiaddrs` as a JSON array); `reachability` null keeps the one it had. */
interface PeerParams { peerId: string, multiaddrs: string, expires: number, now: number, reachability: string | null }

interface RenewParams { peerId: string, expires: number, now: number, reachability: string | null }

/** Book IDs of one peer, `ids` as a JSON array. */
interface PeerBookIds { peer: number, ids: string }

export interface CatalogStatements {
  peerLease: Database.Statement<[peerId: string], PeerLeaseRow>
  upsertPeer: Database.Statement<[PeerParams]>
  listingCount: Database.Statement<[peer: number], number>
  /** How many of `ids` the peer does not list yet (duplicates counted once). */
  countNewIds: Database.Statement<[PeerBookIds], number>
  removeOthers: Database.Statement<[PeerBookIds]>
  upsertListing: Database.Statement<[ListingParams]>
  removeListings: Database.Statement<[PeerBookIds]>
  /** Up to `max` of the peer's listings not among `ids` (all of them with `[]`): a slice of a replace or an unregistration. */
  removeSomeOthers: Database.Statement<[PeerBookIds & { max: number }]>
  renew: Database.Statement<[RenewParams]>
  unregister: Database.Statement<[peerId: string]>
  disconnect: Database.Statement<[at: number, peerId: string]>
  connect: Database.Statement<[peerId: string]>
  /** Hides a peer with a live lease from results (listed as if its grace period ended at `now`), keeping its listing. */
  withdraw: Database.Statement<[{ peerId: string, now: number, hiddenSince: number }]>
  /** Ends a withdrawal: the peer is listed again (it is connected: it just spoke). */
  showAgain: Database.Statement<[peerId: string]>
  listingDigest: Database.Statement<[peer: number], DigestRow>
  sweep: Database.Statement<[now: number]>
  /** Peers (their numbers) whose lease ended by `now`. */
  expiredPeers: Database.Statement<[now: number], number>
  /** Whether peer number `peer`'s lease has ended by `now` (1, else nothing). */
  leaseOver: Database.Statement<[{ peer: number, now: number }], number>
}

export function prepareStatements (db: Database.Database): CatalogStatements {
  return {
    peerLease: db.prepare<[string], PeerLeaseRow>('SELECT id, lease_expires_at FROM peers WHERE peer_id = ?'),
    listingCount: db.prepare<[number], number>('SELECT count(*) FROM listings WHERE peer = ?').pluck(),
    countNewIds: db.prepare<PeerBookIds, number>(`SELECT count(*) FROM (SELECT DISTINCT value AS id FROM json_each(@ids)) AS j
      WHERE NOT EXISTS (SELECT 1 FROM listings WHERE peer = @peer AND book_id = j.id)`).pluck(),
    removeOthers: db.prepare<PeerBookIds>('DELETE FROM listings WHERE peer = @peer AND book_id NOT IN (SELECT value FROM json_each(@ids))'),
    // an unchanged listing is left alone, so re-registering a shelf does not re-index its words
    // a withdrawn peer (withdrawn_at set) stays hidden when identify updates its addresses: only a
    // PUT or a matching RENEW shows it again (showAgain)
    upsertPeer: db.prepare<PeerParams>(`INSERT INTO peers (peer_id, multiaddrs, lease_expires_at, last_renewed_at, disconnected_at, reachability)
      VALUES (@peerId, @multiaddrs, @expires, @now, NULL, coalesce(@reachability, 'unknown'))
      ON CONFLICT (peer_id) DO UPDATE SET multiaddrs = excluded.multiaddrs, lease_expires_at = excluded.lease_expires_at,
      last_renewed_at = excluded.last_renewed_at, disconnected_at = CASE WHEN withdrawn_at IS NULL THEN NULL ELSE disconnected_at END,
      reachability = coalesce(@reachability, reachability)`),
    upsertListing: db.prepare<ListingParams>(`INSERT INTO listings (peer, book_id, title, author, file_name, format, size, language, hash_0, hash_1, hash_2, hash_3)
      VALUES (@peer, @id, @title, @author, @fileName, @format, @size, @language, @hash0, @hash1, @hash2, @hash3)
      ON CONFLICT (peer, book_id) DO UPDATE SET title = excluded.title, author = excluded.author, file_name = excluded.file_name,
      format = excluded.format, size = excluded.size, language = excluded.language,
      hash_0 = excluded.hash_0, hash_1 = excluded.hash_1, hash_2 = excluded.hash_2, hash_3 = excluded.hash_3
      WHERE title IS NOT excluded.title OR author IS NOT excluded.author OR file_name IS NOT excluded.file_name
        OR format IS NOT excluded.format OR size IS NOT excluded.size OR language IS NOT excluded.language`),
    removeListings: db.prepare<PeerBookIds>('DELETE FROM listings WHERE peer = @peer AND book_id IN (SELECT value FROM json_each(@ids))'),
    removeSomeOthers: db.prepare<PeerBookIds & { max: number }>(`DELETE FROM listings WHERE id IN (SELECT id FROM listings
      WHERE peer = @peer AND book_id NOT IN (SELECT value FROM json_each(@ids)) LIMIT @max)`),
    renew: db.prepare<RenewParams>(`UPDATE peers SET lease_expires_at = @expires, last_renewed_at = @now, reachability = coalesce(@reachability, reachability)
      WHERE peer_id = @peerId AND lease_expires_at > @now`),
    unregister: db.prepare<[string]>('DELETE FROM peers WHERE peer_id = ?'),
    // the first disconnect counts: a repeated one must not restart the grace period
    disconnect: db.prepare<[number, string]>('UPDATE peers SET disconnected_at = ? WHERE peer_id = ? AND disconnected_at IS NULL'),
    // a withdrawn peer reconnecting (restarting) is not listed again until its listing is confirmed
    connect: db.prepare<[string]>('UPDATE peers SET disconnected_at = NULL WHERE peer_id = ? AND withdrawn_at IS NULL'),
    withdraw: db.prepare<[{ peerId: string, now: number, hiddenSince: number }]>(`UPDATE peers SET withdrawn_at = @now, disconnected_at = @hiddenSince
      WHERE peer_id = @peerId AND lease_expires_at > @now`),
    showAgain: db.prepare<[string]>('UPDATE peers SET withdrawn_at = NULL, disconnected_at = NULL WHERE peer_id = ? AND withdrawn_at IS NOT NULL'),
    listingDigest: db.prepare<[number], DigestRow>('SELECT digest_0, digest_1, digest_2, digest_3 FROM listing_digests WHERE peer = ?').raw(),
    sweep: db.prepare<[number]>('DELETE FROM peers WHERE lease_expires_at <= ?'),
    expiredPeers: db.prepare<[number], number>('SELECT id FROM peers WHERE lease_expires_at <= ?').pluck(),
    leaseOver: db.prepare<{ peer: number, now: number }, number>('SELECT 1 FROM peers WHERE id = @peer AND lease_expires_at <= @now').pluck()
  }
}
