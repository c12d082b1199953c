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
  it('starts the log over while sliced and small writes keep coming, where it would only grow', async () => {
    // the same writes twice: checkpoints every 20 ms, the log held past 64 pages (256 KiB), or never
    const onEnd: Array<() => void> = []
    const logSize = async (name: string, holdFrames: number): Promise<number> => {
      const path = join(dir, name)
      const catalog = new Catalog({ path, maxBooksPerPeer: 30_000, writeSliceMs: 1, checkpoints: { intervalMs: 20, holdFrames } })
      try {
        catalog.upsertPeer('alice', [], Date.now() + 60_000)
        // small writes that are not sliced (leases, connections) keep coming too
        let tick = 0
        const small = setInterval(() => { catalog.upsertPeer(`peer-${tick++ % 20}`, [`/ip4/127.0.0.1/tcp/${tick}`], Date.now() + 60_000) }, 2)
        onEnd.push(() => { clearInterval(small) })
        let largest = 0
        for (let round = 0; round < 60; round++) {
          const books = Array.from({ length: 400 }, (_, i) => ({ id: `book-${round}-${i}`, title: `title w${round} x${i}`, author: `someone ${i}`, format: 'epub', size: 1000, fileName: `w${round}-${i}.epub`, language: 'en' }))
          await catalog.putBooksInSlices('alice', books, false)
          largest = Math.max(largest, statSync(`${path}-wal`).size)
        }
        assert.equal(catalog.bookCount('alice'), 24000)
        return largest
      } finally {
        for (const end of onEnd.splice(0)) end()
        catalog.close()
      }
    }
    const held = await logSize('held.db', 64)
    const never = await logSize('never.db', Number.MAX_SAFE_INTEGER)
    assert.ok(held * 2 < never, `the held log stayed small: largest ${held} bytes, against ${never} never held`)
  })
})
