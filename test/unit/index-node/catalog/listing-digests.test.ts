// Each peer's listing digest (spec 5.2.1) as the catalog keeps it: always the digest of the listing
// it holds, whichever write changed it (a put, a replace, a removal, a write in slices), and worked
// out for the listings of a catalog made before digests existed; and a withdrawn peer kept hidden.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Catalog, type BookRecord } from '../../../../src/index-node/catalog/catalog.js'
import { parseQuery } from '../../../../src/index-node/query.js'
import { listingDigest } from '../../../../src/wire/listing-digest.js'
import { removeDir, tempDir } from '../../../helpers.js'

function book (n: number, title = `Book ${n}`): BookRecord {
  return { id: `book${n}`, title, author: `Author ${n % 3}`, format: 'epub', size: 1000 + n, fileName: `${title}.epub`, language: 'en' }
}

const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex')

describe('catalog listing digests', () => {
  let clock: number
  const now = (): number => clock
  beforeEach(() => { clock = 1_000_000 })

  it('is the digest of the listing held, after every kind of write', async () => {
    const catalog = new Catalog({ path: ':memory:', now, writeSliceMs: 0.01 })
    try {
      catalog.upsertPeer('alice', [], clock + 60_000)
      catalog.upsertPeer('bob', [], clock + 60_000)
      assert.equal(hex(catalog.listingDigest('alice')), hex(listingDigest([])))
      assert.equal(catalog.listingDigest('nobody'), undefined)
      const held = new Map<number, BookRecord>()
      const check = (what: string): void => {
        assert.equal(hex(catalog.listingDigest('alice')), hex(listingDigest(held.values())), what)
      }
      catalog.putBooks('bob', [book(1), book(2)], true)
      for (let n = 0; n < 30; n++) held.set(n, book(n))
      catalog.putBooks('alice', [...held.values()], true)
      check('a full listing')
      held.set(3, book(3, 'Renamed')); held.set(40, book(40))
      catalog.putBooks('alice', [book(3, 'Renamed'), book(40), book(5)], false)
      check('a change, an addition and an unchanged book')
      for (const n of [1, 2, 40]) held.delete(n)
      catalog.removeBooks('alice', ['book1', 'book2', 'book40', 'book99'])
      check('removals (one of a book not listed)')
      const replacement = Array.from({ length: 25 }, (_, i) => book(i * 2, i % 4 === 0 ? `New ${i}` : undefined))
      held.clear()
      for (const b of replacement) held.set(Number(b.id.slice(4)), b)
      await catalog.putBooksInSlices('alice', replacement, true)
      check('a replace in slices')
      for (const n of [0, 2, 4]) held.delete(n)
      await catalog.removeBooksInSlices('alice', ['book0', 'book2', 'book4'])
      check('removals in slices')
      assert.equal(hex(catalog.listingDigest('bob')), hex(listingDigest([book(1), book(2)])), 'another peer\'s is its own')
      await catalog.unregisterInSlices('alice')
      assert.equal(catalog.listingDigest('alice'), undefined)
    } finally {
      catalog.close()
    }
  })

  it('works out every listing\'s hash and every peer\'s digest for a catalog of schema 4', async () => {
    const dir = await tempDir()
    try {
      const path = join(dir, 'index.db')
      const books = [book(1), book(2, 'Émile'), book(3)]
      const first = new Catalog({ path, now })
      first.upsertPeer('erin', [], clock + 60_000)
      first.putBooks('erin', books, true)
      first.close()
      // what schema 4 had: no hashes, no digests, no withdrawals
      const db = new Database(path)
      db.exec(`DROP TRIGGER listings_digest_insert; DROP TRIGGER listings_digest_delete; DROP TRIGGER listings_digest_update;
        DROP TRIGGER peers_digest_insert; DROP TABLE listing_digests;
        ALTER TABLE listings DROP COLUMN hash_0; ALTER TABLE listings DROP COLUMN hash_1;
        ALTER TABLE listings DROP COLUMN hash_2; ALTER TABLE listings DROP COLUMN hash_3;
        ALTER TABLE peers DROP COLUMN withdrawn_at`)
      db.pragma('user_version = 4')
      db.close()
      const second = new Catalog({ path, now })
      try {
        assert.equal(hex(second.listingDigest('erin')), hex(listingDigest(books)))
        second.removeBooks('erin', ['book2'])
        assert.equal(hex(second.listingDigest('erin')), hex(listingDigest([book(1), book(3)])))
        assert.equal(second.search(parseQuery('book'), {}).total, 2)
      } finally {
        second.close()
      }
    } finally {
      await removeDir(dir)
    }
  })

  it('keeps a withdrawn peer out of results and counts, through reconnects and address updates, until shown again', () => {
    const catalog = new Catalog({ path: ':memory:', now, disconnectGraceMs: 10_000 })
    try {
      catalog.upsertPeer('alice', ['/ip4/10.0.0.1/tcp/1'], clock + 60_000)
      catalog.putBooks('alice', [book(1)], true)
      const found = (): number => catalog.search(parseQuery('book'), {}).total
      assert.equal(found(), 1)
      assert.equal(catalog.withdraw('alice'), true)
      assert.deepEqual([found(), catalog.stats().peersOnline, catalog.stats().providers], [0, 0, 0])
      catalog.markDisconnected('alice')
      clock += 1_000
      catalog.markConnected('alice')
      catalog.upsertPeer('alice', ['/ip4/10.0.0.1/tcp/2'], clock + 60_000)
      assert.equal(found(), 0)
      catalog.showAgain('alice')
      assert.equal(found(), 1)
      assert.equal(catalog.search(parseQuery('book'), {}).hits[0].providers[0].multiaddrs[0], '/ip4/10.0.0.1/tcp/2')
      clock += 60_000
      assert.equal(catalog.withdraw('alice'), false, 'no live lease: nothing to keep')
    } finally {
      catalog.close()
    }
  })
})
