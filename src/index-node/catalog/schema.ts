// The catalog's tables, and opening its database: settings, then the schema created or migrated.
// Leases are absolute times, so a restarted index keeps counting.
import Database from 'better-sqlite3'
import { WAL_SIZE_LIMIT_BYTES } from '../constants.js'

const SCHEMA_VERSION = 4

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
  reachability TEXT NOT NULL DEFAULT 'unknown'
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
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
    })()
  }
  return db
}
