import assert from 'node:assert/strict'
import { join } from 'node:path'
import { Catalog, CatalogLimitError } from '../../src/index-node/catalog.js'
import { parseQuery, QueryError, toFtsMatch } from '../../src/index-node/query.js'
import { removeDir, tempDir } from '../helpers.js'
import type { BookRecord } from '../../src/wire/records.js'

function book (id: string, title: string, author = '', extra: Partial<BookRecord> = {}): BookRecord {
  return { id, title, author, format: 'epub', size: 1000, fileName: `${author} - ${title}.epub`, language: 'en', ...extra }
}

describe('query language', () => {
  it('parses words, phrases, exclusions and filters', () => {
    const q = parseQuery('Moby "white whale" -abridged format:EPUB author:melville lang:en size>1MiB size<=2MiB')
    assert.deepEqual(q.terms, ['moby'])
    assert.deepEqual(q.phrases, [['white', 'whale']])
    assert.deepEqual(q.excluded, ['abridged'])
    assert.equal(q.format, 'epub')
    assert.deepEqual(q.author, ['melville'])
    assert.equal(q.language, 'en')
    assert.equal(q.minSize, 1024 * 1024 + 1)
    assert.equal(q.maxSize, 2 * 1024 * 1024)
    assert.equal(q.prefixLast, false, 'the last piece was a filter, not a word')
  })

  it('quotes every token so input cannot become FTS5 syntax', () => {
    const match = toFtsMatch(parseQuery('title:x OR * NEAR("a" "b") "un"balanced'))
    assert.ok(match != null)
    for (const token of match.split(/ AND | \+ /)) assert.match(token.trim(), /^"[^"]*"\*?$/)
  })

  it('refuses empty, exclusion-only, over-long and badly sized queries', () => {
    assert.throws(() => parseQuery('   '), QueryError)
    assert.throws(() => parseQuery('-moby'), /nothing to search for/)
    assert.throws(() => parseQuery('x'.repeat(300)), /longer than/)
    assert.throws(() => parseQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ')), /more than 32/)
    assert.throws(() => parseQuery('size>lots'), /not a size/)
  })
})

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
      book('mis', 'Les Misérables', 'Victor Hugo', { language: 'fr' }),
      book('holmes', "The Adventures of Sherlock Holmes", 'Arthur Conan Doyle')
    ], true)
  })
  afterEach(() => { catalog.close() })

  it('finds books by every word, any case, prefix on the last word, without accents', () => {
    assert.deepEqual(search('MOBY melville'), ['moby'])
    assert.deepEqual(search('moby austen'), [])
    assert.deepEqual(search('mob'), ['moby'])
    assert.deepEqual(search('mo'), [], 'prefixes need three letters')
    assert.deepEqual(search('miserables'), ['mis'])
    assert.deepEqual(search('"sherlock holmes"'), ['holmes'])
    assert.deepEqual(search('"holmes sherlock"'), [])
    assert.deepEqual(search('austen -emma'), [])
  })

  it('filters by format, author, language and size', () => {
    assert.deepEqual(search('format:txt'), ['emma'])
    assert.deepEqual(search('author:austen'), ['emma'])
    assert.deepEqual(search('author:emma'), [], 'author words match only the author')
    assert.deepEqual(search('lang:fr'), ['mis'])
    assert.deepEqual(search('size>1MiB'), ['emma'])
    assert.deepEqual(search('size<1MiB format:epub').sort(), ['holmes', 'mis', 'moby'])
  })

  it('ranks title matches above file-name matches', () => {
    catalog.upsertPeer('bob', [], clock + 60_000)
    catalog.putBooks('bob', [book('essay', 'An Essay', 'Someone', { fileName: 'notes on dracula.txt' }), book('dracula', 'Dracula', 'Bram Stoker')], true)
    assert.deepEqual(search('dracula'), ['dracula', 'essay'])
  })

  it('groups a book shared by two peers, most recently renewed provider first', () => {
    clock += 1000
    catalog.upsertPeer('bob', ['/ip4/127.0.0.1/tcp/2'], clock + 60_000)
    catalog.putBooks('bob', [book('moby', 'Moby-Dick; or, The Whale', 'Herman Melville')], false)
    const [hit] = catalog.search(parseQuery('moby'), {}).hits
    assert.deepEqual(hit.providers.map(p => p.peerId), ['bob', 'alice'])
    assert.equal(hit.book.title, 'Moby-Dick; or, The Whale', 'metadata from the freshest listing')
    assert.deepEqual(hit.providers[0].multiaddrs, ['/ip4/127.0.0.1/tcp/2'])
    assert.equal(catalog.search(parseQuery('moby'), {}).total, 1)
  })

  it('replaces, removes and unregisters', () => {
    assert.equal(catalog.putBooks('alice', [book('moby', 'Moby Dick', 'Herman Melville')], true), 1)
    assert.deepEqual(search('emma'), [])
    assert.equal(catalog.removeBooks('alice', ['moby']), 0)
    assert.deepEqual(search('moby'), [])
    catalog.putBooks('alice', [book('emma', 'Emma', 'Jane Austen')], false)
    catalog.unregister('alice')
    assert.deepEqual(search('emma'), [])
    assert.equal(catalog.leaseExpiresAt('alice'), undefined)
  })

  it('enforces the per-peer book limit without changing anything', () => {
    const many = Array.from({ length: 2 }, (_, i) => book(`x${i}`, `Extra ${i}`))
    assert.throws(() => catalog.putBooks('alice', many, false), CatalogLimitError)
    assert.equal(catalog.bookCount('alice'), 4)
    assert.equal(catalog.putBooks('alice', many.slice(0, 1), false), 5)
  })

  it('hides lapsed leases at once and sweeps them; a lapsed lease cannot be renewed', () => {
    clock += 60_001
    assert.deepEqual(search('moby'), [])
    assert.equal(catalog.stats().peersRegistered, 0)
    assert.equal(catalog.renew('alice', clock + 60_000), false)
    assert.equal(catalog.sweepExpired(), 1)
    assert.equal(catalog.bookCount('alice'), 0)
  })

  it('keeps a disconnected peer through the grace period only', () => {
    catalog.markDisconnected('alice')
    clock += 9_000
    assert.deepEqual(search('moby'), ['moby'])
    clock += 2_000
    assert.deepEqual(search('moby'), [])
    assert.equal(catalog.stats().peersOnline, 0)
    catalog.markConnected('alice')
    assert.deepEqual(search('moby'), ['moby'])
  })

  it('pages with a total, browses one peer and finds one book', () => {
    const page1 = catalog.search(parseQuery('format:epub'), { limit: 2 })
    const page2 = catalog.search(parseQuery('format:epub'), { limit: 2, offset: 2 })
    assert.equal(page1.total, 3)
    assert.equal(page1.hits.length, 2)
    assert.equal(page2.hits.length, 1)
    assert.equal(page2.total, 3)
    assert.equal(catalog.search(undefined, { provider: 'alice' }).total, 4)
    assert.deepEqual(catalog.search(undefined, { bookId: 'emma' }).hits.map(h => h.book.id), ['emma'])
    assert.equal(catalog.search(parseQuery('moby'), { limit: 1000 }).hits.length, 1)
  })

  it('counts peers, books and providers', () => {
    catalog.upsertPeer('bob', [], clock + 60_000)
    catalog.putBooks('bob', [book('moby', 'Moby Dick', 'Herman Melville')], true)
    assert.deepEqual(catalog.stats(), { peersOnline: 2, peersRegistered: 2, books: 4, providers: 5 })
  })

  it('keeps registrations and lease times across a reopen', async () => {
    const dir = await tempDir()
    try {
      const path = join(dir, 'index.db')
      const first = new Catalog({ path, now })
      first.upsertPeer('carol', [], clock + 5_000)
      first.putBooks('carol', [book('odyssey', 'The Odyssey', 'Homer')], true)
      first.close()
      const second = new Catalog({ path, now })
      assert.equal(second.search(parseQuery('odyssey'), {}).hits.length, 1)
      clock += 5_001
      assert.equal(second.search(parseQuery('odyssey'), {}).hits.length, 0)
      assert.equal(second.sweepExpired(), 1)
      second.close()
    } finally {
      await removeDir(dir)
    }
  })
  it('pages through a very common word from its best matches, with a lower-bound total', () => {
    const big = new Catalog({ path: ':memory:', now, maxBooksPerPeer: 5000 })
    try {
      big.upsertPeer('many', [], clock + 60_000)
      const books = Array.from({ length: 2000 }, (_, i) => book(`b${String(i).padStart(4, '0')}`, `common words in title number ${i}`, 'Some Author'))
      books.push(book('best', 'Common', 'Exact Match'))
      big.putBooks('many', books, true)
      const page = big.search(parseQuery('common'), { limit: 10 })
      assert.equal(page.hits[0].book.id, 'best', 'the best-scoring book comes first')
      assert.equal(page.hits.length, 10)
      assert.equal(page.totalIsEstimate, true)
      assert.ok(page.total >= 10 && page.total <= 2001, `at least ${page.total}`)
      // a page deep in the results grows the sample until it is full, and stays exact when all is seen
      const deep = big.search(parseQuery('common'), { limit: 100, offset: 1950 })
      assert.equal(deep.hits.length, 51)
      assert.equal(deep.total, 2001)
      assert.notEqual(deep.totalIsEstimate, true)
      // a rarer word is exact
      const rare = big.search(parseQuery('number 1999'), { limit: 10 })
      assert.equal(rare.total, 1)
      assert.notEqual(rare.totalIsEstimate, true)
    } finally {
      big.close()
    }
  })
})
