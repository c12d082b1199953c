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
})
