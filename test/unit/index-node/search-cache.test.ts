import assert from 'node:assert/strict'
import { SearchCache } from '../../../src/index-node/search-cache.js'

describe('search cache', () => {
  let clock: number
  const now = (): number => clock
  beforeEach(() => { clock = 1_000 })

  it('answers a repeated query until its time to live runs out', () => {
    const cache = new SearchCache<string>(10, 5_000, now)
    cache.set('moby', 'page')
    clock += 4_999
    assert.equal(cache.get('moby'), 'page')
    clock += 1
    assert.equal(cache.get('moby'), undefined)
    assert.equal(cache.size, 0, 'an expired entry is dropped')
  })

  it('never keeps a page past the moment it stops being true', () => {
    const cache = new SearchCache<string>(10, 5_000, now)
    cache.set('moby', 'page', clock + 1_000)
    clock += 999
    assert.equal(cache.get('moby'), 'page')
    clock += 1
    assert.equal(cache.get('moby'), undefined, 'a provider left the results at validUntil')
    cache.set('stale', 'page', clock)
    assert.equal(cache.get('stale'), undefined, 'a page already untrue is not kept')

    cache.set('a', 'page a')
    cache.set('b', 'page b', clock + 100)
    cache.expireBy(clock + 500)
    clock += 100
    assert.deepEqual([cache.get('a'), cache.get('b')], ['page a', undefined], 'an earlier end is kept')
    clock += 400
    assert.equal(cache.get('a'), undefined, 'a provider left: every page ends with its grace period')
  })

  it('holds at most maxEntries, dropping the least recently used', () => {
    const cache = new SearchCache<number>(3, 5_000, now)
    for (const [i, key] of ['a', 'b', 'c'].entries()) cache.set(key, i)
    assert.equal(cache.get('a'), 0, 'a is now the most recent')
    cache.set('d', 3)
    assert.equal(cache.size, 3)
    assert.equal(cache.get('b'), undefined, 'b was the least recently used')
    assert.deepEqual(['a', 'c', 'd'].map(k => cache.get(k)), [0, 2, 3])
    cache.clear()
    assert.equal(cache.size, 0)
  })

  it('holds at most maxBytes of values with a budget, dropping the least recently used, and never one larger than it', () => {
    const cache = new SearchCache<Uint8Array>(100, 5_000, now, { maxBytes: 1000, sizeOf: v => v.byteLength })
    for (const key of ['a', 'b', 'c']) cache.set(key, new Uint8Array(300))
    assert.equal(cache.sizeBytes, 900)
    cache.get('a')
    cache.set('d', new Uint8Array(300))
    assert.deepEqual(['a', 'b', 'c', 'd'].map(k => cache.get(k)?.byteLength), [300, undefined, 300, 300], 'b, the least recently used, went')
    assert.equal(cache.sizeBytes, 900)
    cache.set('huge', new Uint8Array(1001))
    assert.equal(cache.get('huge'), undefined, 'a value past the whole budget is not kept')
    assert.equal(cache.sizeBytes, 900, 'and pushes nothing out')
    cache.set('c', new Uint8Array(50))
    assert.equal(cache.sizeBytes, 650, 'a replaced value counts at its new size')
    clock += 5_000
    assert.equal(cache.get('a'), undefined)
    assert.equal(cache.sizeBytes, 350, 'an expired entry gives its bytes back')
    cache.clear()
    assert.equal(cache.sizeBytes, 0)
  })
})
