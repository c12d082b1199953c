// The catalog's tables, and opening its database: settings, then the schema created or migrated.
// Leases are absolute times, so a restarted index keeps counting.
import Database from 'better-sqlite3'
import { WAL_SIZE_LIMIT_BYTES } from '../constants.js'
import { listingHashWords } from '../../wire/listing-digest.js'
import type { BookRecord } from '../../wire/records.js'

const SCHEMA_VERSION = 5

// Integer keys rather than (peer_id, book_id): a peer number instead of a 52-character peer ID in
// each of a million listings keeps them small, and the text index refers to listings by number.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS peers (
  id INTEGER PRIMARY KEY,
  peer_id TEXT NOT NULL UNIQUE,
  multiaddrs TEXT NOT NULL,
  lease_expires_at INTEGER NOT NULL,
  last_renewed_at INTEGER NOT NULL,
  disconnected_at INTEGER,
  reachability TEXT NOT NULL DEFAULT 'unknown',
  withdrawn_at INTEGER
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
  hash_0 INTEGER NOT NULL DEFAULT 0,
  hash_1 INTEGER NOT NULL DEFAULT 0,
  hash_2 INTEGER NOT NULL DEFAULT 0,
  hash_3 INTEGER NOT NULL DEFAULT 0,
  UNIQUE (peer, book_id)
);
CREATE INDEX IF NOT EXISTS listings_book ON listings(book_id);
CREATE INDEX IF NOT EXISTS peers_lease ON peers(lease_expires_at);
-- schema 4: the catalog's stamp, which a snapshot of the text index must match (text-index-snapshot.ts):
-- a random id for this database, and a generation bumped by every change to a listing, whoever makes it
CREATE TABLE IF NOT EXISTS catalog_state (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  catalog_id TEXT NOT NULL,
  generation INTEGER NOT NULL
);
INSERT OR IGNORE INTO catalog_state (id, catalog_id, generation) VALUES (0, lower(hex(randomblob(16))), 0);
CREATE TRIGGER IF NOT EXISTS listings_generation_insert AFTER INSERT ON listings BEGIN
  UPDATE catalog_state SET generation = generation + 1;
END;
CREATE TRIGGER IF NOT EXISTS listings_generation_update AFTER UPDATE ON listings BEGIN
  UPDATE catalog_state SET generation = generation + 1;
END;
CREATE TRIGGER IF NOT EXISTS listings_generation_delete AFTER DELETE ON listings BEGIN
  UPDATE catalog_state SET generation = generation + 1;
END;
-- schema 1 kept an FTS5 index in the database; the text index now lives in memory
DROP TRIGGER IF EXISTS listings_ai;
DROP TRIGGER IF EXISTS listings_ad;
DROP TRIGGER IF EXISTS listings_au;
DROP TABLE IF EXISTS listings_fts;
`

/** `a XOR b` in SQLite, which has no XOR operator: exact for the unsigned 32-bit words kept here. */
const xor = (a: string, b: string): string => `((${a} | ${b}) - (${a} & ${b}))`
const WORDS = [0, 1, 2, 3]
/** Sets each digest word of listing_digests to itself XOR that word of `row`'s listing hash. */
const xorListing = (row: 'new' | 'old'): string =>
  `UPDATE listing_digests SET ${WORDS.map(i => `digest_${i} = ${xor(`digest_${i}`, `${row}.hash_${i}`)}`).join(', ')} WHERE peer = ${row}.peer;`

// schema 5: each listing's hash and each peer's listing digest (spec 5.2.1), the digest kept by
// these triggers whoever writes listings (a put XORs a hash in, a removal XORs it out), so that a
// restarting peer's digest is checked by reading one row, not its 100,000 listings. Words of 32 bits:
// SQLite's integers are signed 64-bit, and the XOR above stays exact only well inside them.
const DIGEST_SCHEMA = `
CREATE TABLE IF NOT EXISTS listing_digests (
  peer INTEGER PRIMARY KEY REFERENCES peers(id) ON DELETE CASCADE,
  ${WORDS.map(i => `digest_${i} INTEGER NOT NULL DEFAULT 0`).join(',\n  ')}
);
CREATE TRIGGER IF NOT EXISTS peers_digest_insert AFTER INSERT ON peers BEGIN
  INSERT OR IGNORE INTO listing_digests (peer) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS listings_digest_insert AFTER INSERT ON listings BEGIN
  ${xorListing('new')}
END;
CREATE TRIGGER IF NOT EXISTS listings_digest_delete AFTER DELETE ON listings BEGIN
  ${xorListing('old')}
END;
CREATE TRIGGER IF NOT EXISTS listings_digest_update AFTER UPDATE OF hash_0, hash_1, hash_2, hash_3 ON listings BEGIN
  ${xorListing('old')}
  ${xorListing('new')}
END;
`

/** A listing's hash (spec 5.2.1) as the four columns that hold it. */
export function hashColumns (book: BookRecord): { hash0: number, hash1: number, hash2: number, hash3: number } {
  const [hash0, hash1, hash2, hash3] = listingHashWords(book)
  return { hash0, hash1, hash2, hash3 }
}

type StoredListing = [id: number, bookId: string, title: string, author: string, format: string, size: number, fileName: string, language: string]

/** Schema 5 on a catalog made before: every listing's hash, and through the triggers every peer's digest. */
function hashStoredListings (db: Database.Database): void {
  db.exec('INSERT OR IGNORE INTO listing_digests (peer) SELECT id FROM peers')
  const batch = db.prepare<[number], StoredListing>('SELECT id, book_id, title, author, format, size, file_name, language FROM listings WHERE id > ? ORDER BY id LIMIT 10000').raw()
  const update = db.prepare('UPDATE listings SET hash_0 = @hash0, hash_1 = @hash1, hash_2 = @hash2, hash_3 = @hash3 WHERE id = @id')
  for (let after = 0; ;) {
    const rows = batch.all(after)
    if (rows.length === 0) return
    for (const [id, bookId, title, author, format, size, fileName, language] of rows) {
      update.run({ id, ...hashColumns({ id: bookId, title, author, format, size, fileName, language }) })
    }
    after = rows[rows.length - 1][0]
  }
}

/** Opens the catalog at `path` (a file, or ':memory:'), creating or migrating its tables. */
export function openCatalogDatabase (path: string): Database.Database {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`)
  // a page of results reads scattered rows: a 32 MiB page cache rather than the default 2 MiB
  db.pragma('cache_size = -32768')
  db.pragma('foreign_keys = ON')
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) {
    db.close()
    throw new Error(`catalog ${path} has schema ${version}, newer than this arkshare (${SCHEMA_VERSION})`)
  }
  if (version < SCHEMA_VERSION) {
    db.transaction(() => {
      db.exec(SCHEMA)
      // schema 3: how each peer said it can be reached (a table made before lacks the column)
      const columns = db.prepare<[], { name: string }>('PRAGMA table_info(peers)').all().map(c => c.name)
      if (!columns.includes('reachability')) db.exec('ALTER TABLE peers ADD COLUMN reachability TEXT NOT NULL DEFAULT \'unknown\'')
      // schema 5: a peer's withdrawal keeping its listing, each listing's hash, each peer's digest
      if (!columns.includes('withdrawn_at')) db.exec('ALTER TABLE peers ADD COLUMN withdrawn_at INTEGER')
      const listingColumns = db.prepare<[], { name: string }>('PRAGMA table_info(listings)').all().map(c => c.name)
      const hashed = listingColumns.includes('hash_0')
      if (!hashed) for (const i of WORDS) db.exec(`ALTER TABLE listings ADD COLUMN hash_${i} INTEGER NOT NULL DEFAULT 0`)
      db.exec(DIGEST_SCHEMA)
      if (!hashed) hashStoredListings(db)
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
    })()
  }
  return db
}
