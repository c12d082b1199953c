import assert from 'node:assert/strict'
import { TopBooks } from '../../../../src/index-node/text-index/top-books.js'
import { mulberry32 } from '../../../../scripts/prng.js'

/** The best `size` books by their latest scores, best first: the slow and obvious way. */
function expected (latest: Map<number, number>, size: number): number[] {
  return [...latest].sort(([a, sa], [b, sb]) => sb - sa || a - b).slice(0, size).map(([book]) => book)
}

describe('TopBooks', () => {
  it('keeps the best books offered, equal scores going to the lower book number', () => {
    const top = new TopBooks(3)
    for (const [score, book] of [[1, 9], [5, 4], [2, 7], [5, 2], [0.5, 1], [2, 3]]) top.offer(score, book)
    assert.deepEqual(top.bestFirst(), [2, 4, 3])
    assert.equal(top.keepsOut(2, 5), true)
    assert.equal(top.keepsOut(2, 1), false)
  })

  it('ranks books by their latest scores when scores rise after they were offered, kept or not', () => {
    // scores are drawn from few values, so that ties (broken by book number) are common
    for (const size of [1, 2, 5, 20]) {
      const random = mulberry32(size * 31 + 7)
      for (let round = 0; round < 50; round++) {
        const books = 1 + Math.floor(random() * 60)
        const positions = new Int32Array(64).fill(round % 3 === 0 ? 0 : 63) // stale positions from "earlier searches"
        const top = new TopBooks(size, positions)
        const latest = new Map<number, number>()
        for (let step = 0; step < 200; step++) {
          const book = Math.floor(random() * books)
          const score = Math.floor(random() * 8)
          const before = latest.get(book)
          if (before == null) {
            latest.set(book, score)
            top.offer(score, book)
          } else if (score > before) {
            latest.set(book, score)
            top.raise(score, book)
          }
        }
        assert.deepEqual(top.bestFirst(), expected(latest, size), `size ${size}, round ${round}`)
      }
    }
  })

  it('keeps nothing with no room', () => {
    const top = new TopBooks(0, new Int32Array(4))
    top.offer(3, 1)
    top.raise(4, 1)
    assert.deepEqual(top.bestFirst(), [])
    assert.equal(top.keepsOut(100, 0), true)
  })
})
