// The catalog's write-ahead log is copied into the database by a worker thread, not by commits.
import assert from 'node:assert/strict'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { Catalog } from '../../../../src/index-node/catalog/catalog.js'
import { eventually, removeDir, tempDir } from '../../../helpers.js'

describe('catalog checkpoints', () => {
  let dir: string
  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => { await removeDir(dir) })

  it('moves committed pages into the database file in the background, and reopens with everything', async () => {
    const path = join(dir, 'index.db')
    const catalog = new Catalog({ path, maxBooksPerPeer: 10_000 })
    catalog.upsertPeer('alice', [], Date.now() + 60_000)
    const before = statSync(path).size
    const books = Array.from({ length: 3000 }, (_, i) => ({ id: `book-${i}`, title: `title w${i}`, author: 'someone', format: 'epub', size: 1000, fileName: `w${i}.epub`, language: 'en' }))
    await catalog.putBooksInSlices('alice', books, true)
    assert.ok(statSync(`${path}-wal`).size > 0, 'the writes went to the log')
    // no commit checkpoints any more: only the worker can have grown the database file
    await eventually(() => statSync(path).size > before, 10_000, 'the database file to grow')
    catalog.close()
    const reopened = new Catalog({ path, maxBooksPerPeer: 10_000 })
    try {
      assert.equal(reopened.bookCount('alice'), 3000)
    } finally {
      reopened.close()
    }
  })
})
