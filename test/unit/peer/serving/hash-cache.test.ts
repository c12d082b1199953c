// The hash cache: read whole, written in batches, and readable when written by an older version.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { HashCache } from '../../../../src/peer/serving/hash-cache.js'
import { removeDir, tempDir } from '../../../helpers.js'

const manifest = { size: 10, chunkSize: 262144, chunkHashes: new Uint8Array(32).fill(7) }
const metadata = { title: 'T', author: 'A', format: 'txt', language: '' }

describe('hash cache', () => {
  let dir: string
  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => { await removeDir(dir) })

  it('finds a file by path, size and modification time only, with its book ID', () => {
    const cache = new HashCache(join(dir, 'cache.db'))
    cache.put('/s/a.txt', 1000, { manifest, metadata, id: 'book-a' })
    cache.close()
    const again = new HashCache(join(dir, 'cache.db'))
    const files = again.readAll()
    assert.equal(files.get('/s/a.txt', 10, 1000)?.id, 'book-a')
    assert.deepEqual(files.get('/s/a.txt', 10, 1000)?.manifest.chunkHashes, manifest.chunkHashes)
    assert.equal(files.get('/s/a.txt', 11, 1000), undefined, 'another size')
    assert.equal(files.get('/s/a.txt', 10, 1001), undefined, 'another time')
    again.retainOnly(files, new Set())
    assert.equal(again.readAll().get('/s/a.txt', 10, 1000), undefined, 'dropped when not retained')
    again.close()
  })

  it('reads a cache written before book IDs were kept (the ID computed again)', () => {
    const old = new Database(join(dir, 'cache.db'))
    old.exec(`CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL,
      chunk_size INTEGER NOT NULL, chunk_hashes BLOB NOT NULL, title TEXT NOT NULL, author TEXT NOT NULL, format TEXT NOT NULL, language TEXT NOT NULL)`)
    old.prepare('INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run('/s/a.txt', 10, 1000, 262144, Buffer.alloc(32, 7), 'T', 'A', 'txt', '')
    old.close()
    const cache = new HashCache(join(dir, 'cache.db'))
    const found = cache.readAll().get('/s/a.txt', 10, 1000)
    assert.equal(found?.metadata.title, 'T')
    assert.equal(found?.id, undefined)
    cache.put('/s/b.txt', 5, { manifest, metadata, id: 'book-b' })
    cache.close()
    assert.equal(new HashCache(join(dir, 'cache.db')).readAll().get('/s/b.txt', 10, 5)?.id, 'book-b')
  })
})
