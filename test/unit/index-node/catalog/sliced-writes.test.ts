// Registrations from the network are written a slice at a time: other work runs in between, the
// result is the same as one write, and a refused request changes nothing.
import assert from 'node:assert/strict'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { Catalog, type BookRecord } from '../../../../src/index-node/catalog/catalog.js'
import { restAfterSlice } from '../../../../src/index-node/catalog/sliced-writes.js'
import { CatalogLimitError } from '../../../../src/index-node/errors.js'
import { parseQuery } from '../../../../src/index-node/query.js'

function books (from: number, count: number): BookRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i
    return { id: `book-${n}`, title: `title w${n}`, author: 'someone', format: 'epub', size: 1000, fileName: `w${n}.epub`, language: 'en' }
  })
}

describe('catalog writes in slices', () => {
  let catalog: Catalog
  beforeEach(() => {
    catalog = new Catalog({ path: ':memory:', maxBooksPerPeer: 5000, writeSliceMs: 1 })
    catalog.upsertPeer('alice', [], Date.now() + 60_000)
  })
  afterEach(() => { catalog.close() })

  it('answers searches between the slices of a large PUT, and ends with every book', async () => {
    const putting = catalog.putBooksInSlices('alice', books(0, 3000), true)
    let finished = false
    void putting.then(() => { finished = true })
    await nextTurn()
    const partway = catalog.bookCount('alice')
    assert.equal(finished, false)
    assert.ok(partway > 0 && partway < 3000, `${partway} books after one turn`)
    assert.ok(catalog.search(parseQuery('title'), { limit: 5 }).hits.length > 0, 'a search answered meanwhile')
    assert.equal(await putting, 3000)
    assert.equal(catalog.bookCount('alice'), 3000)
    assert.equal(catalog.search(parseQuery('w2999'), {}).hits.length, 1)
  })

  it('takes the books a slice at a time, so a request can decode each book only as it is written', async () => {
    const all = books(0, 3000)
    const taken: Array<[number, number]> = []
    const slices = { ids: all.map(b => b.id), length: all.length, slice: (start: number, end: number) => { taken.push([start, end]); return all.slice(start, end) } }
    assert.equal(await catalog.putBooksInSlices('alice', slices, true), 3000)
    assert.equal(catalog.bookCount('alice'), 3000)
    assert.ok(taken.length > 1, `taken in ${taken.length} pieces`)
    assert.ok(taken.every(([start, end]) => end - start <= 1000), 'never more than a slice at once')
    assert.deepEqual(taken.map(([start]) => start), [...taken.map(([start]) => start)].sort((a, b) => a - b), 'in order')
    assert.equal(catalog.search(parseQuery('w2999'), {}).hits.length, 1)
  })

  it('rests after each slice while searches come in, as long as the slice times the factor, and not otherwise', () => {
    const policy = { factor: 4, activeMs: 1_000 }
    assert.equal(restAfterSlice(2, { ...policy, lastSearchAt: -Infinity, now: 5_000 }), 0, 'no search yet')
    assert.equal(restAfterSlice(2, { ...policy, lastSearchAt: 4_500, now: 5_000 }), 8)
    assert.equal(restAfterSlice(3, { ...policy, lastSearchAt: 4_001, now: 5_000 }), 12)
    assert.equal(restAfterSlice(2, { ...policy, lastSearchAt: 4_000, now: 5_000 }), 0, 'the last search a second ago')
    assert.equal(restAfterSlice(2, { ...policy, factor: 0, lastSearchAt: 4_900, now: 5_000 }), 0, 'factor 0: never')
  })

  it('goes on slice after slice without searches, and rests after a slice once one came in', async () => {
    const progressAfterTurns = async (c: Catalog, peer: string): Promise<number> => {
      c.upsertPeer(peer, [], Date.now() + 60_000)
      const putting = c.putBooksInSlices(peer, books(0, 3000), true)
      for (let i = 0; i < 30; i++) await nextTurn()
      const written = c.bookCount(peer)
      await putting
      return written
    }
    const unhurried = new Catalog({ path: ':memory:', maxBooksPerPeer: 5000, writeSliceMs: 1, writeRestFactor: 1_000 })
    try {
      const withoutSearches = await progressAfterTurns(unhurried, 'bob')
      unhurried.search(parseQuery('title'), { limit: 1 })
      const afterASearch = await progressAfterTurns(unhurried, 'carol')
      // a slice is at least 8 rows; resting 1,000 times its length, the first slice is all 30 turns see
      assert.ok(afterASearch < withoutSearches, `${afterASearch} books written in 30 turns after a search, ${withoutSearches} without`)
      assert.equal(unhurried.bookCount('carol'), 3000)
    } finally {
      unhurried.close()
    }
  })

  it('ends a large PUT with every book while searches keep coming', async () => {
    const putting = catalog.putBooksInSlices('alice', books(0, 2000), true)
    const put = { finished: false }
    void putting.then(() => { put.finished = true })
    let searches = 0
    // a search every few milliseconds, bounded, until the PUT is done
    for (let i = 0; i < 5_000 && !put.finished; i++) {
      catalog.search(parseQuery('title'), { limit: 5 })
      searches++
      await new Promise(resolve => setTimeout(resolve, 2))
    }
    assert.equal(await putting, 2000)
    assert.ok(searches > 1)
    assert.equal(catalog.search(parseQuery('w1999'), {}).hits.length, 1)
  })

  it('replaces in slices: books left out go, books kept stay', async () => {
    await catalog.putBooksInSlices('alice', books(0, 2000), true)
    assert.equal(await catalog.putBooksInSlices('alice', books(1500, 1000), true), 1000)
    assert.equal(catalog.bookCount('alice'), 1000)
    assert.equal(catalog.search(parseQuery('w10'), {}).hits.length, 0)
    assert.equal(catalog.search(parseQuery('w1500'), {}).hits.length, 1)
  })

  it('refuses a PUT past the limit before writing anything', async () => {
    await catalog.putBooksInSlices('alice', books(0, 4500), true)
    await assert.rejects(catalog.putBooksInSlices('alice', books(4500, 1000), false), CatalogLimitError)
    assert.equal(catalog.bookCount('alice'), 4500)
  })

  it('removes and unregisters in slices', async () => {
    await catalog.putBooksInSlices('alice', books(0, 3000), true)
    assert.equal(await catalog.removeBooksInSlices('alice', books(0, 1000).map(b => b.id)), 2000)
    assert.equal(catalog.search(parseQuery('w5'), {}).hits.length, 0)
    await catalog.unregisterInSlices('alice')
    assert.equal(catalog.bookCount('alice'), 0)
    assert.equal(catalog.leaseExpiresAt('alice'), undefined)
    assert.equal(catalog.search(parseQuery('title'), {}).hits.length, 0)
  })
})
