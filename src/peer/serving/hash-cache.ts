// Remembers each shared file's manifest and metadata, keyed by (path, size, mtime), in SQLite under
// --data, so restarting a peer with a large shelf re-hashes only files that changed.
import Database from 'better-sqlite3'
import type { Manifest } from '../../content/book-id.js'
import type { BookMetadata } from '../../content/metadata.js'

export interface CachedFile {
  manifest: Manifest
  metadata: BookMetadata
}

interface Row {
  size: number
  mtime_ms: number
  chunk_size: number
  chunk_hashes: Buffer
  title: string
  author: string
  format: string
  language: string
}

export class HashCache {
  private readonly db: Database.Database
  private readonly getStmt: Database.Statement<[string], Row>
  private readonly putStmt: Database.Statement<unknown[]>
  private readonly deleteStmt: Database.Statement<[string]>

  constructor (path: string) {
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(`CREATE TABLE IF NOT EXISTS files (
      path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL,
      chunk_size INTEGER NOT NULL, chunk_hashes BLOB NOT NULL,
      title TEXT NOT NULL, author TEXT NOT NULL, format TEXT NOT NULL, language TEXT NOT NULL)`)
    this.getStmt = this.db.prepare('SELECT * FROM files WHERE path = ?')
    this.putStmt = this.db.prepare(`INSERT OR REPLACE INTO files
      (path, size, mtime_ms, chunk_size, chunk_hashes, title, author, format, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.deleteStmt = this.db.prepare('DELETE FROM files WHERE path = ?')
  }

  get (path: string, size: number, mtimeMs: number): CachedFile | undefined {
    const row = this.getStmt.get(path)
    if (row == null || row.size !== size || row.mtime_ms !== mtimeMs) return undefined
    return {
      manifest: { size: row.size, chunkSize: row.chunk_size, chunkHashes: new Uint8Array(row.chunk_hashes) },
      metadata: { title: row.title, author: row.author, format: row.format, language: row.language }
    }
  }

  put (path: string, mtimeMs: number, file: CachedFile): void {
    const { manifest: m, metadata: md } = file
    this.putStmt.run(path, m.size, mtimeMs, m.chunkSize, Buffer.from(m.chunkHashes), md.title, md.author, md.format, md.language)
  }

  delete (path: string): void {
    this.deleteStmt.run(path)
  }

  /** Drops rows for files no longer on the shelf so the cache does not grow forever. */
  retainOnly (paths: Set<string>): void {
    const all = this.db.prepare('SELECT path FROM files').pluck().all() as string[]
    const drop = this.db.transaction((stale: string[]) => { for (const p of stale) this.deleteStmt.run(p) })
    drop(all.filter(p => !paths.has(p)))
  }

  close (): void {
    this.db.close()
  }
}
