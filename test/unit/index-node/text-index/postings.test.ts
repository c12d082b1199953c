import assert from 'node:assert/strict'
import { BLOCK, MAX_TF } from '../../../../src/index-node/text-index/constants.js'
import { PostingList, PostingSlab } from '../../../../src/index-node/text-index/postings.js'
import { mulberry32 } from '../../../../scripts/prng.js'

interface Posting { slot: number, tf: number, fields: number, length: number, book: number }

describe('PostingList', () => {
  it('keeps every posting and its block bounds, lists sharing a slab growing out of it at different times', () => {
    const random = mulberry32(3)
    const slab = new PostingSlab()
    // many lists filled in turns, so small ones sit side by side in the slab while others outgrow it
    const lists = Array.from({ length: 3000 }, () => ({ list: new PostingList(slab), postings: [] as Posting[], target: random() < 0.9 ? 1 + Math.floor(random() * 6) : Math.floor(random() * 300) }))
    for (let slot = 0; slot < 20_000; slot++) {
      const owner = lists[Math.floor(random() * lists.length)]
      if (owner.postings.length >= owner.target) continue
      const p = { slot, tf: 1 + Math.floor(random() * 9), fields: 1 + Math.floor(random() * 7), length: 1 + Math.floor(random() * 40), book: Math.floor(random() * 5000) }
      owner.list.push(p.slot, p.tf, p.fields, p.length, p.book)
      owner.postings.push(p)
    }
    for (const { list, postings } of lists) {
      assert.equal(list.length, postings.length)
      postings.forEach((p, i) => {
        assert.equal(list.slot(i), p.slot)
        assert.equal(list.weightedTf(i), Math.min(p.tf, MAX_TF))
        assert.equal(list.fields(i), p.fields)
        assert.equal(list.seek(0, p.slot), i)
      })
      const bounds = list.blockBounds()
      for (let b = 0; b * BLOCK < postings.length; b++) {
        const block = postings.slice(b * BLOCK, (b + 1) * BLOCK)
        assert.deepEqual([bounds[b * 3], bounds[b * 3 + 1], bounds[b * 3 + 2]],
          [Math.max(...block.map(p => p.tf)), Math.min(...block.map(p => p.length)), Math.min(...block.map(p => p.book))])
      }
    }
  })

  it('keeps its postings when given its final size first (a list built at once)', () => {
    const slab = new PostingSlab()
    const small = new PostingList(slab)
    const large = new PostingList(slab)
    small.reserve(3)
    large.reserve(200)
    for (let i = 0; i < 200; i++) {
      if (i < 3) small.push(i, 1, 1, 5, i)
      large.push(i * 2, 2, 4, 10 - (i % 7), 1000 - i)
    }
    assert.deepEqual([small.slot(0), small.slot(2), large.slot(199)], [0, 2, 398])
    assert.deepEqual(Array.from(large.blockBounds().subarray(0, 3)), [2, 4, 937])
  })
})
