import assert from 'node:assert/strict'
import { ChunkPlan } from '../../../../src/peer/download/chunk-plan.js'

describe('chunk plan', () => {
  it('hands out contiguous pending runs, takes back released ones, then duplicates in the end game', () => {
    const plan = new ChunkPlan(10)
    const none = new Set<number>()
    assert.deepEqual(plan.claim(4, none), { first: 0, count: 4 })
    assert.deepEqual(plan.claim(4, none), { first: 4, count: 4 })
    assert.deepEqual(plan.claim(4, none), { first: 8, count: 2 })
    assert.equal(plan.hasPending, false)
    // a failed worker gives 4..7 back: they are the next to be claimed
    plan.release(4, 4)
    assert.equal(plan.hasPending, true)
    assert.deepEqual(plan.claim(8, none), { first: 4, count: 4 })
    for (let i = 0; i < 10; i++) if (i !== 9) plan.markDone(i)
    // nothing pending: another worker may duplicate chunk 9, but not the one already fetching it
    assert.deepEqual(plan.claim(4, new Set([9])), undefined)
    assert.deepEqual(plan.claim(4, none), { first: 9, count: 1 })
    assert.equal(plan.claim(4, none), undefined, 'at most two claims per chunk')
    assert.equal(plan.markDone(9), true)
    assert.equal(plan.markDone(9), false, 'a duplicate is not counted twice')
    assert.equal(plan.complete, true)
  })

  it('skips chunks already verified on disk', () => {
    const plan = new ChunkPlan(6)
    plan.markDone(0)
    plan.markDone(1)
    plan.markDone(3)
    assert.deepEqual(plan.claim(8, new Set()), { first: 2, count: 1 })
    assert.deepEqual(plan.claim(8, new Set()), { first: 4, count: 2 })
  })
})
