// Remembers each shared file's manifest and metadata, keyed by (path, size, mtime), in SQLite under
// --data, so restarting a peer with a large shelf re-hashes only files that changed. Read whole at
// start (one query for 100,000 files, not one each); written in batches, one transaction each.
import Database from 'better-sqlite3'
import type { Manifest } from '../../content/book-id.js'
import type { BookMetadata } from '../../content/metadata.js'

export interface CachedFile {
  manifest: Manifest
  metadata: BookMetadata
  /** The book ID (absent in rows of older versions: computed again from the manifest). */
  id?: string
}

/** A files row as read at start: its columns in table order (arrays: 100,000 objects would cost more). */
type Row = [path: string, size: number, mtimeMs: number, chunkSize: number, chunkHashes: Buffer, title: string, author: string, format: string, language: string, bookId: string | null]

/** A row to write (undefined: to delete). */
type CachedWrite = (CachedFile & { mtimeMs: number }) | undefined

/** Writes gathered before one transaction commits them (also committed by flush() and close()). */
const WRITE_BATCH = 500

/** Every cached file as it was when read: looked up by path, size and modification time. */
export class CachedFiles {
  constructor (private readonly rows: Map<string, Row>) {}

  get (path: string, size: number, mtimeMs: number): CachedFile | undefined {
    const row = this.rows.get(path)
    return row != null && row[1] === size && row[2] === mtimeMs ? fileOf(row) : undefined
  }

  paths (): IterableIterator<string> {
    return this.rows.keys()
  }

  /** Every cached file as the shelf lists it: path, book ID (absent in older rows), size, time, metadata. */
  * files (): Generator<{ path: string, id?: string, size: number, mtimeMs: number, metadata: BookMetadata }> {
    for (const [path, size, mtimeMs, , , title, author, format, language, bookId] of this.rows.values()) {
      yield { path, id: bookId ?? undefined, size, mtimeMs, metadata: { title, author, format, language } }
    }
  }
}

function fileOf ([, size, , chunkSize, chunkHashes, title, author, format, language, bookId]: Row): CachedFile {
  return {
    // a view of the row's own buffer (read for this entry alone), not a copy
    manifest: { size, chunkSize, chunkHashes: new Uint8Array(chunkHashes.buffer, chunkHashes.byteOffset, chunkHashes.byteLength) },
    metadata: { title, author, format, language },
    id: bookId ?? undefined
  }
}

export class HashCache {
  private readonly db: Database.Database
  private readonly putStmt: Database.Statement<unknown[]>
  private readonly deleteStmt: Database.Statement<[string]>
  private readonly writeBatch: (writes: Array<[string, CachedWrite]>) => void
  /** Writes not committed yet, by path (undefined: a deletion). */
  private pending = new Map<string, CachedWrite>()

  constructor (path: string) {
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(`CREATE TABLE IF NOT EXISTS files (
      path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL,
      chunk_size INTEGER NOT NULL, chunk_hashes BLOB NOT NULL,
      title TEXT NOT NULL, author TEXT NOT NULL, format TEXT NOT NULL, language TEXT NOT NULL, book_id TEXT)`)
    // caches written before the book ID was kept lack its column
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(files)').all().map(c => c.name)
    if (!columns.includes('book_id')) this.db.exec('ALTER TABLE files ADD COLUMN book_id TEXT')
    this.putStmt = this.db.prepare(`INSERT OR REPLACE INTO files
      (path, size, mtime_ms, chunk_size, chunk_hashes, title, author, format, language, book_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.deleteStmt = this.db.prepare('DELETE FROM files WHERE path = ?')
    this.writeBatch = this.db.transaction((writes: Array<[string, CachedWrite]>) => {
      for (const [p, file] of writes) {
        if (file == null) { this.deleteStmt.run(p); continue }
        const { manifest: m, metadata: md } = file
        this.putStmt.run(p, m.size, file.mtimeMs, m.chunkSize, Buffer.from(m.chunkHashes), md.title, md.author, md.format, md.language, file.id ?? null)
      }
    })
  }

  /** Everything cached (after committing pending writes). */
  readAll (): CachedFiles {
    this.flush()
    const rows = new Map<string, Row>()
    const select = this.db.prepare('SELECT path, size, mtime_ms, chunk_size, chunk_hashes, title, author, format, language, book_id FROM files').raw()
    for (const row of select.iterate() as Iterable<Row>) rows.set(row[0], row)
    return new CachedFiles(rows)
  }

  put (path: string, mtimeMs: number, file: CachedFile): void {
    this.write(path, { ...file, mtimeMs })
  }

  delete (path: string): void {
    this.write(path, undefined)
  }

  /** Drops rows for files no longer on the shelf so the cache does not grow forever. */
  retainOnly (cached: CachedFiles, paths: { has: (path: string) => boolean }): void {
    for (const p of cached.paths()) if (!paths.has(p)) this.write(p, undefined)
    this.flush()
  }

  /** Commits the writes gathered so far. */
  flush (): void {
    if (this.pending.size === 0) return
    const writes = [...this.pending]
    this.pending = new Map()
    this.writeBatch(writes)
  }

  close (): void {
    this.flush()
    this.db.close()
  }

  private write (path: string, file: CachedWrite): void {
    this.pending.delete(path)
    this.pending.set(path, file)
    if (this.pending.size >= WRITE_BATCH) this.flush()
  }
}
