// The one way catalog changes reach the text index: whatever SQL makes them (a cascade included),
// and only once committed.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { openCatalogDatabase } from '../../../../src/index-node/catalog/schema.js'
import { TextIndexSync } from '../../../../src/index-node/catalog/text-index-sync.js'
import { parseQuery } from '../../../../src/index-node/query.js'
import { removeDir, tempDir } from '../../../helpers.js'
import type Database from 'better-sqlite3'

const NOW = 1_000
const LISTING = `INSERT INTO listings (peer, book_id, title, author, file_name, format, size, language)
  VALUES (1, ?, ?, 'A', 'f.epub', 'epub', 1, 'en')`

describe('text index sync', () => {
  let db: Database.Database
  let sync: TextIndexSync
  const found = (words: string): string[] => sync.text.search(parseQuery(words), { now: NOW, graceStart: NOW }, 0, 10).bookIds

  beforeEach(() => {
    db = openCatalogDatabase(':memory:')
    sync = new TextIndexSync(db)
    sync.write(() => db.prepare("INSERT INTO peers (id, peer_id, multiaddrs, lease_expires_at, last_renewed_at) VALUES (1, 'alice', '[\"/ip4/10.0.0.1/tcp/1\"]', 60000, 900)").run())
  })
  afterEach(() => { db.close() })

  it('applies what a write changed: listings and the provider as results show it', () => {
    sync.write(() => db.prepare(LISTING).run('moby', 'Moby Dick'))
    assert.deepEqual(found('moby'), ['moby'])
    assert.deepEqual(sync.providers.get(1), { peerId: 'alice', multiaddrs: ['/ip4/10.0.0.1/tcp/1'], lastRenewedAt: 900, reachability: 'unknown' })
    sync.write(() => db.prepare("UPDATE listings SET title = 'White Whale' WHERE book_id = 'moby'").run())
    assert.deepEqual([found('moby'), found('whale')], [[], ['moby']])
    assert.equal(sync.changedWrites, 3)
  })

  it('applies a cascade: a peer removed takes its listings out, and both count as removals', () => {
    sync.write(() => db.prepare(LISTING).run('emma', 'Emma'))
    sync.write(() => db.prepare("DELETE FROM peers WHERE peer_id = 'alice'").run())
    assert.deepEqual(found('emma'), [])
    assert.equal(sync.providers.size, 0)
    assert.equal(sync.removals, 2)
  })

  it('applies nothing of a write that rolled back', () => {
    const tx = db.transaction(() => { db.prepare(LISTING).run('emma', 'Emma'); throw new Error('refused') })
    assert.throws(() => sync.write(tx), /refused/)
    assert.deepEqual(found('emma'), [])
    assert.equal(sync.changedWrites, 1, 'only the peer')
  })

  it('loads what the database holds when it opens', async () => {
    const dir = await tempDir()
    try {
      const file = openCatalogDatabase(join(dir, 'index.db'))
      file.exec(`INSERT INTO peers (id, peer_id, multiaddrs, lease_expires_at, last_renewed_at) VALUES (1, 'alice', '[]', 60000, 900);
        ${LISTING.replace('?, ?', "'emma', 'Emma'")}`)
      file.close()
      const reopened = openCatalogDatabase(join(dir, 'index.db'))
      const loaded = new TextIndexSync(reopened)
      assert.deepEqual(loaded.text.search(parseQuery('emma'), { now: NOW, graceStart: NOW }, 0, 10).bookIds, ['emma'])
      assert.equal(loaded.providers.get(1)?.peerId, 'alice')
      reopened.close()
    } finally {
      await removeDir(dir)
    }
  })
})
