import assert from 'node:assert/strict'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Catalog, type BookRecord, type CatalogOptions } from '../../../../src/index-node/catalog/catalog.js'
import { CatalogLimitError, NoLeaseError, TooBroadError } from '../../../../src/index-node/errors.js'
import { parseQuery } from '../../../../src/index-node/query.js'
import { removeDir, tempDir } from '../../../helpers.js'

function book (id: string, title: string, author = '', extra: Partial<BookRecord> = {}): BookRecord {
  return { id, title, author, format: 'epub', size: 1000, fileName: `${author} - ${title}.epub`, language: 'en', ...extra }
}

/** Runs `use` on a catalog opened with `options`, and closes it after. */
function withCatalog (options: CatalogOptions, use: (catalog: Catalog) => void): void {
  const catalog = new Catalog(options)
  try {
    use(catalog)
  } finally {
    catalog.close()
  }
}

/** The text index a fresh open builds from the database answers like the one kept in step. */
function assertSameSearches (live: Catalog, path: string, queries: string[], now: () => number): void {
  withCatalog({ path, now }, (reopened) => {
    for (const q of queries) assert.deepEqual(reopened.search(parseQuery(q), {}), live.search(parseQuery(q), {}), q)
  })
}

describe('catalog', () => {
  let clock: number
  let catalog: Catalog
  const now = (): number => clock
  const search = (q: string, opts = {}): string[] => catalog.search(parseQuery(q), opts).hits.map(h => h.book.id)

  beforeEach(() => {
    clock = 1_000_000
    catalog = new Catalog({ path: ':memory:', now, disconnectGraceMs: 10_000, maxBooksPerPeer: 5 })
    catalog.upsertPeer('alice', ['/ip4/127.0.0.1/tcp/1'], clock + 60_000)
    catalog.putBooks('alice', [
      book('moby', 'Moby Dick', 'Herman Melville'),
      book('emma', 'Emma', 'Jane Austen', { format: 'txt', size: 3_000_000 }),
      book('mis', 'Les Misérables', 'Victor Hugo', { language: 'fr-FR', size: 2_000_000 }),
      book('holmes', 'The Adventures of Sherlock Holmes', 'Arthur Conan Doyle', { fileName: 'sherlock.epub' })
    ], true)
  })
  afterEach(() => { catalog.close() })

  it('finds a registered book with its provider', () => {
    const page = catalog.search(parseQuery('moby'), {})
    assert.equal(page.total, 1)
    assert.deepEqual(page.hits, [{
      book: book('moby', 'Moby Dick', 'Herman Melville'),
      providers: [{ peerId: 'alice', multiaddrs: ['/ip4/127.0.0.1/tcp/1'], lastRenewedAt: 1_000_000, reachability: 'unknown' }]
    }])
  })

  it('needs every word, in any case, in title, author or file name', () => {
    assert.deepEqual(search('MOBY melville'), ['moby'])
    assert.deepEqual(search('moby austen'), [])
    assert.deepEqual(search('herman'), ['moby'], 'author')
    assert.deepEqual(search('epub sherlock'), ['holmes'], 'file name')
    assert.deepEqual(search('EmMa JANE'), ['emma'])
  })

  it('matches the last word as a prefix, and folds diacritics both ways', () => {
    assert.deepEqual(search('mob'), ['moby'])
    assert.deepEqual(search('mob format:epub'), ['moby'], 'a filter after the word keeps it a prefix')
    assert.deepEqual(search('mob dick'), [], 'only the last word is a prefix')
    assert.deepEqual(search('mo'), [], 'prefixes need three letters')
    assert.deepEqual(search('"mob"'), [], 'a quoted word is exact')
    assert.deepEqual(search('miserables'), ['mis'])
    assert.deepEqual(search('MISÉRABLES'), ['mis'])
    assert.deepEqual(search('mise\u0301rables'), ['mis'], 'a decomposed accent')
    catalog.putBooks('alice', [book('cafe', 'Cafe Society', 'Anon')], false)
    assert.deepEqual(search('café'), ['cafe'])
  })

  it('matches phrases in order and excludes words and phrases', () => {
    assert.deepEqual(search('"sherlock holmes"'), ['holmes'])
    assert.deepEqual(search('"holmes sherlock"'), [])
    assert.deepEqual(search('"moby'), ['moby'], 'an unbalanced quote runs to the end')
    assert.deepEqual(search('format:epub -moby').sort(), ['holmes', 'mis'])
    assert.deepEqual(search('format:epub -"moby dick" -hugo'), ['holmes'])
    assert.deepEqual(search('format:epub -"dick moby"').sort(), ['holmes', 'mis', 'moby'], 'an excluded phrase needs its words in order')
    assert.deepEqual(search('austen -emma'), [])
  })

  it('filters by format, author, language and size', () => {
    assert.deepEqual(search('format:txt'), ['emma'])
    assert.deepEqual(search('format:TXT'), ['emma'])
    assert.deepEqual(search('author:austen'), ['emma'])
    assert.deepEqual(search('author:"conan doyle"'), ['holmes'])
    assert.deepEqual(search('author:emma'), [], 'author words match only the author')
    assert.deepEqual(search('emma author:austen'), ['emma'])
    assert.deepEqual(search('moby author:austen'), [])
    assert.deepEqual(search('lang:fr'), ['mis'], 'a language matches its regional variants')
    assert.deepEqual(search('lang:fr-fr'), ['mis'])
    assert.deepEqual(search('lang:f'), [])
    assert.deepEqual(search('lang:%'), [], 'no LIKE wildcards')
    assert.deepEqual(search('size>2000000'), ['emma'])
    assert.deepEqual(search('size>=2000000'), ['emma', 'mis'], 'filters alone sort by title')
    assert.deepEqual(search('size>1MiB size<2.5MiB'), ['mis'])
    assert.deepEqual(search('size<1000B'), [])
    assert.deepEqual(search('size<=1000b'), ['moby', 'holmes'])
    assert.deepEqual(search('size<1MiB format:epub'), ['moby', 'holmes'])
  })

  it('ranks title matches above author and file-name matches', () => {
    catalog.upsertPeer('bob', [], clock + 60_000)
    catalog.putBooks('bob', [
      book('essay', 'An Essay', 'Someone', { fileName: 'notes on dracula.txt' }),
      book('bio', 'A Life', 'Dracula Fan'),
      book('dracula', 'Dracula', 'Bram Stoker')
    ], true)
    assert.deepEqual(search('dracula'), ['dracula', 'bio', 'essay'])
  })

  it('groups a book shared by two peers, most recently renewed provider first', () => {
    clock += 1000
    catalog.upsertPeer('bob', ['/ip4/127.0.0.1/tcp/2'], clock + 60_000)
    catalog.putBooks('bob', [book('moby', 'Moby-Dick; or, The Whale', 'Herman Melville')], false)
    let page = catalog.search(parseQuery('moby'), {})
    assert.equal(page.total, 1)
    assert.equal(page.hits.length, 1)
    assert.deepEqual(page.hits[0].providers.map(p => [p.peerId, p.lastRenewedAt]), [['bob', 1_001_000], ['alice', 1_000_000]])
    assert.equal(page.hits[0].book.title, 'Moby-Dick; or, The Whale', 'metadata from the freshest listing')
    assert.deepEqual(page.hits[0].providers[0].multiaddrs, ['/ip4/127.0.0.1/tcp/2'])

    clock += 1000
    assert.equal(catalog.renew('alice', clock + 60_000), true)
    page = catalog.search(parseQuery('whale'), {})
    assert.deepEqual(page.hits[0].providers.map(p => p.peerId), ['alice', 'bob'], 'found by bob\'s title, alice is fresher now')
    assert.equal(page.hits[0].book.title, 'Moby Dick')
    assert.equal(catalog.search(parseQuery('format:epub'), {}).total, 3, 'one book, counted once')
  })

  it('replaces, updates, removes and unregisters', () => {
    assert.equal(catalog.putBooks('alice', [book('moby', 'Moby Dick', 'Herman Melville'), book('moby', 'Moby Dick', 'Herman Melville')], true), 1)
    assert.deepEqual(search('emma'), [])
    assert.equal(catalog.bookCount('alice'), 1)
    assert.equal(catalog.putBooks('alice', [book('moby', 'The Whale', 'Herman Melville')], false), 1, 'updates in place')
    assert.deepEqual(search('whale'), ['moby'])
    assert.deepEqual(search('dick'), [])
    assert.equal(catalog.putBooks('alice', [book('emma', 'Emma', 'Jane Austen')], false), 2)
    assert.equal(catalog.removeBooks('alice', ['moby', 'unknown']), 1)
    assert.deepEqual(search('whale'), [])
    assert.deepEqual(search('emma'), ['emma'])
    assert.equal(catalog.removeBooks('nobody', ['emma']), 0)
    catalog.unregister('alice')
    assert.deepEqual(search('emma'), [])
    assert.equal(catalog.leaseExpiresAt('alice'), undefined)
    assert.equal(catalog.bookCount('alice'), 0)
  })

  it('refuses listings without a live lease', () => {
    assert.throws(() => catalog.putBooks('nobody', [book('x', 'X')], false), NoLeaseError)
    clock += 60_000
    assert.throws(() => catalog.putBooks('alice', [book('x', 'X')], false), NoLeaseError)
  })

  it('enforces the per-peer book limit without changing anything', () => {
    const extra = Array.from({ length: 2 }, (_, i) => book(`x${i}`, `Extra ${i}`))
    assert.throws(() => catalog.putBooks('alice', [book('moby', 'Changed'), ...extra], false), CatalogLimitError)
    assert.equal(catalog.bookCount('alice'), 4)
    assert.deepEqual(search('moby'), ['moby'], 'the update in the refused batch was rolled back')
    assert.deepEqual(search('changed'), [])
    const six = Array.from({ length: 6 }, (_, i) => book(`y${i}`, `Other ${i}`))
    assert.throws(() => catalog.putBooks('alice', six, true), CatalogLimitError)
    assert.equal(catalog.bookCount('alice'), 4, 'replace refused too: the old listings stay')
    assert.equal(catalog.putBooks('alice', [...extra.slice(0, 1), book('moby', 'Moby Dick')], false), 5, 'existing ids do not count twice')
    assert.equal(catalog.putBooks('alice', six.slice(0, 5), true), 5)
  })

  it('hides lapsed leases at once and sweeps them; a lapsed lease cannot be renewed', () => {
    catalog.upsertPeer('bob', [], clock + 120_000)
    catalog.putBooks('bob', [book('emma', 'Emma', 'Jane Austen')], true)
    assert.equal(catalog.renew('alice', clock + 30_000), true)
    assert.equal(catalog.leaseExpiresAt('alice'), clock + 30_000)
    clock += 30_000
    assert.deepEqual(search('moby'), [])
    assert.deepEqual(catalog.search(parseQuery('emma'), {}).hits[0].providers.map(p => p.peerId), ['bob'])
    assert.equal(catalog.stats().peersRegistered, 1)
    assert.equal(catalog.renew('alice', clock + 60_000), false)
    assert.equal(catalog.leaseExpiresAt('alice'), clock, 'unchanged')
    assert.equal(catalog.renew('nobody', clock + 60_000), false)
    assert.equal(catalog.bookCount('alice'), 4, 'still stored until swept')
    assert.equal(catalog.sweepExpired(), 1)
    assert.equal(catalog.bookCount('alice'), 0)
    assert.equal(catalog.leaseExpiresAt('alice'), undefined)
    assert.equal(catalog.sweepExpired(), 0)
    catalog.upsertPeer('alice', [], clock + 60_000)
    assert.equal(catalog.bookCount('alice'), 0, 'a new lease starts empty')
  })

  it('keeps a disconnected peer through the grace period only', () => {
    catalog.markDisconnected('alice')
    clock += 9_000
    catalog.markDisconnected('alice')
    assert.deepEqual(search('moby'), ['moby'])
    assert.equal(catalog.stats().peersOnline, 1)
    clock += 1_000
    assert.deepEqual(search('moby'), [], 'the first disconnect counts')
    assert.deepEqual(catalog.stats(), { peersOnline: 0, peersRegistered: 1, books: 0, providers: 0 })
    catalog.markConnected('alice')
    assert.deepEqual(search('moby'), ['moby'])
    catalog.markDisconnected('alice', clock - 20_000)
    assert.deepEqual(search('moby'), [], 'an explicit time')
    catalog.upsertPeer('alice', [], clock + 60_000)
    assert.deepEqual(search('moby'), ['moby'], 'registering again clears the mark')
  })

  it('says until when a page stays true, and counts removals but not additions or renewals', () => {
    const page = (): { validUntil: number } => catalog.search(parseQuery('moby'), {})
    assert.equal(page().validUntil, 1_060_000, 'a connected provider: its lease end')
    catalog.upsertPeer('bob', [], clock + 30_000)
    catalog.putBooks('bob', [book('moby', 'Moby Dick', 'Herman Melville')], false)
    assert.equal(page().validUntil, 1_030_000, 'the first provider to leave decides')
    catalog.markDisconnected('bob', clock + 1_000)
    assert.equal(page().validUntil, 1_011_000, 'a disconnected provider: the end of its grace period')
    assert.equal(catalog.search(parseQuery('nothingmatches'), {}).validUntil, Infinity)

    const before = catalog.removals
    catalog.putBooks('bob', [book('emma', 'Emma', 'Jane Austen')], false)
    catalog.renew('alice', clock + 90_000)
    catalog.markConnected('bob')
    assert.equal(catalog.removals, before, 'nothing left the catalog')
    catalog.removeBooks('bob', ['emma'])
    assert.equal(catalog.removals, before + 1)
    catalog.unregister('bob')
    assert.ok(catalog.removals > before + 1, 'unregistering removes the peer and its listing')
  })

  it('pages with a total, capped at 100 per page', () => {
    const page1 = catalog.search(parseQuery('format:epub'), { limit: 2 })
    const page2 = catalog.search(parseQuery('format:epub'), { limit: 2, offset: 2 })
    const past = catalog.search(parseQuery('format:epub'), { limit: 2, offset: 10 })
    assert.deepEqual([page1.total, page2.total, past.total], [3, 3, 3])
    assert.deepEqual([...page1.hits, ...page2.hits].map(h => h.book.id), ['mis', 'moby', 'holmes'], 'by title, ignoring case')
    assert.equal(page1.hits.length, 2)
    assert.equal(page2.hits.length, 1)
    assert.equal(past.hits.length, 0)

    withCatalog({ path: ':memory:', now }, (many) => {
      many.upsertPeer('p', [], clock + 60_000)
      many.putBooks('p', Array.from({ length: 150 }, (_, i) => book(`b${i}`, `Volume ${String(i).padStart(3, '0')}`)), true)
      const first = many.search(parseQuery('volume'), { limit: 1000 })
      assert.equal(first.hits.length, 100)
      assert.equal(first.total, 150)
      const second = many.search(parseQuery('volume'), { limit: 100, offset: 100 })
      assert.equal(second.hits.length, 50)
      const ids = new Set([...first.hits, ...second.hits].map(h => h.book.id))
      assert.equal(ids.size, 150, 'pages neither overlap nor skip')
      assert.equal(many.search(parseQuery('size<1MiB'), { limit: 0 }).hits.length, 50, 'limit 0 means the default')
    })
  })

  it('browses one provider (with or without words) and finds one book', () => {
    catalog.upsertPeer('bob', [], clock + 60_000)
    catalog.putBooks('bob', [book('dracula', 'Dracula', 'Bram Stoker'), book('emma', 'Emma', 'Jane Austen')], true)
    const browse = catalog.search(undefined, { provider: 'bob' })
    assert.equal(browse.total, 2)
    assert.deepEqual(browse.hits.map(h => h.book.id), ['dracula', 'emma'], 'by title')
    assert.deepEqual(browse.hits[1].providers.map(p => p.peerId).sort(), ['alice', 'bob'], 'a hit lists all its providers')
    assert.deepEqual(search('emma', { provider: 'bob' }), ['emma'])
    assert.deepEqual(search('moby', { provider: 'bob' }), [])
    assert.deepEqual(catalog.search(undefined, { provider: 'alice' }).hits.map(h => h.book.id), ['emma', 'mis', 'moby', 'holmes'])
    assert.deepEqual(catalog.search(undefined, { bookId: 'emma' }).hits.map(h => h.book.id), ['emma'])
    assert.equal(catalog.search(undefined, { provider: 'nobody' }).total, 0)
  })

  it('counts peers, books and providers', () => {
    catalog.upsertPeer('bob', [], clock + 60_000)
    catalog.putBooks('bob', [book('moby', 'Moby Dick', 'Herman Melville'), book('dracula', 'Dracula')], true)
    catalog.upsertPeer('carol', [], clock + 5_000)
    assert.deepEqual(catalog.stats(), { peersOnline: 3, peersRegistered: 3, books: 5, providers: 6 })
    catalog.markDisconnected('bob')
    clock += 10_000
    assert.deepEqual(catalog.stats(), { peersOnline: 1, peersRegistered: 2, books: 4, providers: 4 })
  })

  it('answers search-engine syntax and injection attempts as plain words', () => {
    catalog.putBooks('alice', [book('odd', 'Title: X or * near "quotes"', 'Anon')], false)
    const attempts = ['title:x OR *', 'NEAR("a" "b")', '"unbalanced', 'moby"', 'x AND', '^moby', 'OR', '{title author}:moby', 'moby) OR (1', "'; DROP TABLE peers; --", 'a""b -"x', 'author:"x OR y"']
    for (const q of attempts) assert.doesNotThrow(() => search(q), q)
    assert.throws(() => search('*'), { name: 'QueryError' }, 'nothing to search for, said as such')
    assert.deepEqual(search('title:x OR *'), ['odd'])
    assert.deepEqual(search('moby"'), ['moby'])
    assert.deepEqual(search('{title author}:moby'), [], 'the words title and author are not in Moby Dick')
    assert.equal(catalog.stats().peersRegistered, 1)
  })

  it('sweeps a lapsed listing a slice at a time, and stops for a peer that registers again meanwhile', async () => {
    const many = (prefix: string, n: number): BookRecord[] => Array.from({ length: n }, (_, i) => book(`${prefix}-${i}`, `Title ${prefix} ${i}`, 'Someone'))
    const big = new Catalog({ path: ':memory:', now, maxBooksPerPeer: 5_000, writeSliceMs: 0.01 })
    try {
      big.upsertPeer('carol', [], clock + 1_000)
      big.putBooks('carol', many('c', 2_000), true)
      big.upsertPeer('dave', [], clock + 1_000)
      big.putBooks('dave', many('d', 2_000), true)
      clock += 1_000
      // dave registers again while the sweep is under way: the slices (8 rows at least) leave turns between them
      const sweeping = big.sweepExpiredInSlices()
      await new Promise(resolve => setImmediate(resolve))
      const carols = big.bookCount('carol')
      assert.ok(carols > 0 && carols < 2_000, `the sweep is part-way through carol's listing (${carols} left)`)
      big.upsertPeer('dave', [], clock + 60_000)
      big.putBooks('dave', many('d2', 3), false)
      assert.equal(await sweeping, 1, 'carol swept, dave not')
      assert.equal(big.leaseExpiresAt('carol'), undefined)
      assert.equal(big.bookCount('carol'), 0)
      assert.equal(big.leaseExpiresAt('dave'), clock + 60_000)
      assert.equal(big.bookCount('dave'), 2_003, 'dave, live again before his turn, kept his listing')
      assert.deepEqual(big.search(parseQuery('d2'), {}).hits.map(h => h.book.id).sort(), ['d2-0', 'd2-1', 'd2-2'])
      // eve lapses and registers again while her own listing is being swept: the sweep stops there
      big.upsertPeer('eve', [], clock + 1_000)
      big.putBooks('eve', many('e', 2_000), true)
      clock += 1_000
      const second = big.sweepExpiredInSlices()
      await new Promise(resolve => setImmediate(resolve))
      big.upsertPeer('eve', [], clock + 60_000)
      big.putBooks('eve', many('e2', 3), false)
      assert.equal(await second, 0, 'eve not swept')
      const eves = big.bookCount('eve')
      assert.ok(eves > 3 && eves < 2_003, `the sweep stopped part-way (${eves} listed)`)
      assert.deepEqual(big.search(parseQuery('e2'), {}).hits.map(h => h.book.id).sort(), ['e2-0', 'e2-1', 'e2-2'])
    } finally {
      big.close()
    }
  })

  it('keeps registrations and lease times across a reopen, and the text index in step with the database', async () => {
    const dir = await tempDir()
    try {
      const path = join(dir, 'index.db')
      const first = new Catalog({ path, now })
      first.upsertPeer('carol', ['/ip4/10.0.0.1/tcp/4001'], clock + 5_000)
      first.putBooks('carol', [book('odyssey', 'The Odyssey', 'Homer'), book('iliad', 'The Iliad', 'Homer')], true)
      first.upsertPeer('dave', [], clock + 60_000)
      first.putBooks('dave', [book('iliad', 'The Iliad', 'Homer'), book('aeneid', 'The Aeneid', 'Virgil')], true)
      first.putBooks('dave', [book('iliad', 'The Iliad', 'Homer'), book('aeneid', 'Aeneis', 'Vergil')], true)
      first.close()

      const db = new Database(path, { readonly: true })
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal')
      assert.equal(db.pragma('user_version', { simple: true }), 5)
      db.close()

      const second = new Catalog({ path, now })
      assert.equal(second.leaseExpiresAt('carol'), clock + 5_000)
      const hit = second.search(parseQuery('odyssey'), {}).hits[0]
      assert.deepEqual(hit.providers, [{ peerId: 'carol', multiaddrs: ['/ip4/10.0.0.1/tcp/4001'], lastRenewedAt: clock, reachability: 'unknown' }])
      assert.deepEqual(second.search(parseQuery('vergil'), {}).hits.map(h => h.book.title), ['Aeneis'])
      clock += 5_000
      assert.equal(second.search(parseQuery('odyssey'), {}).hits.length, 0)
      assert.equal(second.search(parseQuery('iliad'), {}).hits[0].providers.length, 1)
      assert.equal(second.sweepExpired(), 1)
      assertSameSearches(second, path, ['odyssey', 'iliad', 'homer', 'the', 'aen', 'virgil', 'vergil'], now)
      second.close()

      const third = new Catalog({ path, now })
      assert.equal(third.leaseExpiresAt('carol'), undefined)
      assert.equal(third.bookCount('dave'), 2)
      third.unregister('dave')
      assert.equal(third.search(parseQuery('iliad'), {}).total, 0, 'a cascade from peers reaches the text index')
      third.close()
    } finally {
      await removeDir(dir)
    }
  })

  it('keeps how each peer said it can be reached: set by a registration or renewal, kept by an address update', () => {
    const reach = (): string | undefined => catalog.search(parseQuery('moby'), {}).hits[0]?.providers[0]?.reachability
    catalog.upsertPeer('alice', ['/ip4/127.0.0.1/tcp/1'], clock + 60_000, 'relay-only')
    assert.equal(reach(), 'relay-only')
    // identify-push brings new addresses, not a new reachability
    catalog.upsertPeer('alice', ['/ip4/127.0.0.1/tcp/2'], clock + 60_000)
    assert.equal(reach(), 'relay-only')
    assert.ok(catalog.renew('alice', clock + 90_000, 'upnp'))
    assert.equal(reach(), 'upnp')
  })

  it('adds the reachability column to a catalog of schema 2, keeping its peers', async () => {
    const dir = await tempDir()
    try {
      const path = join(dir, 'index.db')
      const db = new Database(path)
      db.exec(`CREATE TABLE peers (id INTEGER PRIMARY KEY, peer_id TEXT NOT NULL UNIQUE, multiaddrs TEXT NOT NULL,
        lease_expires_at INTEGER NOT NULL, last_renewed_at INTEGER NOT NULL, disconnected_at INTEGER);
        INSERT INTO peers (peer_id, multiaddrs, lease_expires_at, last_renewed_at) VALUES ('erin', '[]', ${clock + 60_000}, ${clock})`)
      db.pragma('user_version = 2')
      db.close()
      withCatalog({ path, now }, (opened) => {
        assert.equal(opened.leaseExpiresAt('erin'), clock + 60_000)
        opened.putBooks('erin', [book('dune', 'Dune', 'Frank Herbert')], true)
        assert.equal(opened.search(parseQuery('dune'), {}).hits[0].providers[0].reachability, 'unknown')
      })
    } finally {
      await removeDir(dir)
    }
  })

  it('refuses a database from a newer schema', async () => {
    const dir = await tempDir()
    try {
      const path = join(dir, 'index.db')
      const db = new Database(path)
      db.pragma('user_version = 99')
      db.close()
      assert.throws(() => new Catalog({ path, now }), /schema 99/)
    } finally {
      await removeDir(dir)
    }
  })

  it('pages through a very common word, its total estimated from the listings read but its pages exact', () => {
    withCatalog({ path: ':memory:', now, maxBooksPerPeer: 5000 }, (big) => {
      big.upsertPeer('many', [], clock + 60_000)
      const books = Array.from({ length: 2000 }, (_, i) => book(`b${String(i).padStart(4, '0')}`, `common words in title number ${i}`, 'Some Author'))
      books.push(book('best', 'Common', 'Exact Match'))
      big.putBooks('many', books, true)
      const page = big.search(parseQuery('common'), { limit: 10 })
      assert.equal(page.hits[0].book.id, 'best', 'the best-scoring book comes first')
      assert.equal(page.hits.length, 10)
      // past the first 1,024 listings only blocks that could beat the page are read; every listing
      // read matched, so the estimate (matches + skipped listings at that rate) is right on
      assert.equal(page.totalIsEstimate, true)
      assert.equal(page.total, 2001)
      // equal scores come in book ID order, so pages neither repeat nor skip a book
      const seen: string[] = []
      for (let offset = 0; offset < 2001; offset += 100) seen.push(...big.search(parseQuery('common'), { limit: 100, offset }).hits.map(h => h.book.id))
      assert.equal(new Set(seen).size, 2001)
      assert.deepEqual(seen.slice(1, 4), ['b0000', 'b0001', 'b0002'])
      const deep = big.search(parseQuery('common'), { limit: 100, offset: 1950 })
      assert.equal(deep.hits.length, 51)
      assert.equal(deep.total, 2001)
      assert.equal(deep.totalIsEstimate, false, 'a page past 1,000 books reads every listing')
      big.putBooks('many', [book('pdf', 'Common Sense', 'Thomas Paine', { format: 'pdf' })], false)
      assert.deepEqual(big.search(parseQuery('common format:pdf'), { limit: 10 }).hits.map(h => h.book.id), ['pdf'])
      assert.equal(big.search(parseQuery('number 1999'), { limit: 10 }).total, 1)
    })
  })

  it('orders a query without words by title, and refuses one that matches too many books', () => {
    withCatalog({ path: ':memory:', now, maxUnrankedMatches: 3 }, (small) => {
      small.upsertPeer('p', [], clock + 60_000)
      small.putBooks('p', [book('c', 'Crime and Punishment', 'Dostoevsky'), book('a', 'anna karenina', 'Tolstoy'), book('b', 'Bleak House', 'Dickens', { format: 'txt' }), book('d', 'Dracula', 'Stoker', { format: 'txt' })], true)
      assert.deepEqual(small.search(parseQuery('format:epub')).hits.map(h => h.book.id), ['a', 'c'], 'title order, case-insensitive')
      assert.deepEqual(small.search(parseQuery('size<=1000 -dracula')).hits.map(h => h.book.id), ['a', 'b', 'c'])
      assert.throws(() => small.search(parseQuery('size<=1000')), (err: Error) => err instanceof TooBroadError && /4 books match: add a word/.test(err.message))
      assert.equal(small.search(parseQuery('size<=1000 the')).total, 0, 'with a word the cap does not apply')
      assert.equal(small.search(undefined, { provider: 'p' }).total, 4, 'browsing is not capped')
    })
  })

  it('forgets removed listings for good when the text index compacts', () => {
    withCatalog({ path: ':memory:', now, maxBooksPerPeer: 100_000 }, (big) => {
      big.upsertPeer('churn', [], clock + 60_000)
      // enough replaced shelves to pass the compaction threshold (65,536 dead listings) twice
      for (let round = 0; round < 3; round++) {
        big.putBooks('churn', Array.from({ length: 50_000 }, (_, i) => book(`r${round}-${i}`, `volume ${i} round${round}`, 'Churn')), true)
      }
      assert.equal(big.search(parseQuery('round0'), {}).total, 0)
      assert.equal(big.search(parseQuery('round2 volume'), {}).total, 50_000)
      assert.deepEqual(big.search(parseQuery('volume 4242 churn'), {}).hits.map(h => h.book.id), ['r2-4242'])
      assert.deepEqual(big.search(parseQuery('"volume 4242" rou'), {}).hits.map(h => h.book.id), ['r2-4242'], 'phrases and prefixes after renumbering')
      assert.deepEqual(big.stats(), { peersOnline: 1, peersRegistered: 1, books: 50_000, providers: 50_000 })
      // browsing reads the provider's own listings, renumbered too; more than maxUnrankedMatches is fine
      const browse = big.search(undefined, { provider: 'churn', limit: 100, offset: 100 })
      assert.equal(browse.total, 50_000)
      assert.equal(browse.hits.length, 100)
      assert.ok(browse.hits.every(h => h.book.id.startsWith('r2-')))
    })
  })
})
