// The listing a peer left at its indexes, as the hash cache remembers the shelf: the same books, and
// the same copy of a book held twice, as the shelf lists after a scan (so a restart's digest matches),
// and the difference to the shelf as found now.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { bookIdOf, CHUNK_SIZE } from '../../../../src/content/book-id.js'
import { HashCache } from '../../../../src/peer/serving/hash-cache.js'
import { previousListing } from '../../../../src/peer/serving/previous-listing.js'
import { ShelfBooks, type ShelfEntry } from '../../../../src/peer/serving/shelf-books.js'
import { listingDigest } from '../../../../src/wire/listing-digest.js'
import { fitBook } from '../../../../src/wire/records.js'
import { removeDir, tempDir } from '../../../helpers.js'

function entry (n: number, path: string, title = `Book ${n}`): ShelfEntry {
  const chunkHashes = new Uint8Array(32).fill(n)
  const manifest = { size: 100 + n, chunkSize: CHUNK_SIZE, chunkHashes }
  return { id: bookIdOf(manifest).toString(), title, author: 'Author', format: 'txt', language: '', size: manifest.size, fileName: path.split('/').at(-1) as string, path, manifest, mtimeMs: 1 }
}

describe('previous listing', () => {
  let dir: string
  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => { await removeDir(dir) })

  it('is the listing the shelf had, one copy per book (the smallest path, whatever order the scan found them in)', () => {
    const entries = [entry(1, '/s/b/one.txt'), entry(1, '/s/a/first copy.txt'), entry(2, '/s/two.txt'), entry(3, '/s/three.txt', 'A title longer than the wire allows '.repeat(20))]
    const cache = new HashCache(join(dir, 'cache.db'))
    for (const e of entries) cache.put(e.path, e.mtimeMs, { manifest: e.manifest, metadata: e, id: e.id })
    const previous = previousListing(cache.readAll())
    cache.close()

    for (const order of [entries, [...entries].reverse()]) {
      const books = new ShelfBooks()
      for (const e of order) books.set(e.path, e)
      assert.deepEqual(books.list().map(b => b.fileName).sort(), ['first copy.txt', 'three.txt', 'two.txt'])
      assert.deepEqual(previous?.digest, listingDigest(books.list().map(fitBook)), 'the digest of what the link sends')
      assert.deepEqual(previous?.changesTo(books.list()), { added: [], removed: [] })
    }
  })

  it('tells what changed since: books new or listed differently, and books gone', () => {
    const cache = new HashCache(join(dir, 'cache.db'))
    for (const e of [entry(1, '/s/one.txt'), entry(2, '/s/two.txt'), entry(3, '/s/three.txt')]) cache.put(e.path, 1, { manifest: e.manifest, metadata: e, id: e.id })
    const previous = previousListing(cache.readAll())
    cache.close()
    const now = [entry(1, '/s/one.txt'), entry(2, '/s/two, renamed.txt'), entry(4, '/s/four.txt')]
    const { added, removed } = previous?.changesTo(now) ?? { added: [], removed: [] }
    assert.deepEqual(added.map(b => b.fileName), ['two, renamed.txt', 'four.txt'])
    assert.deepEqual(removed, [entry(3, '').id])
  })

  it('is none for an empty cache, or one with rows of an older version (no book ID)', () => {
    const cache = new HashCache(join(dir, 'cache.db'))
    assert.equal(previousListing(cache.readAll()), undefined)
    const e = entry(1, '/s/one.txt')
    cache.put(e.path, 1, { manifest: e.manifest, metadata: e })
    assert.equal(previousListing(cache.readAll()), undefined)
    cache.close()
  })
})
