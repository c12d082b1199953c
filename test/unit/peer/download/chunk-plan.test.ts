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
    for (let i = 0; i < 10; i++) if (i !== 9) plan.markDone(i, 1)
    // nothing pending: another worker may duplicate chunk 9, but not the one already fetching it
    assert.deepEqual(plan.claim(4, new Set([9])), undefined)
    assert.deepEqual(plan.claim(4, none), { first: 9, count: 1 })
    assert.equal(plan.claim(4, none), undefined, 'at most two claims per chunk')
    assert.equal(plan.markDone(9, 1), true)
    assert.equal(plan.markDone(9, 1), false, 'a duplicate is not counted twice')
    assert.equal(plan.complete, true)
  })

  it('skips chunks already verified on disk', () => {
    const plan = new ChunkPlan(6)
    plan.markDone(0, 1)
    plan.markDone(1, 1)
    plan.markDone(3, 1)
    assert.deepEqual(plan.claim(8, new Set()), { first: 2, count: 1 })
    assert.deepEqual(plan.claim(8, new Set()), { first: 4, count: 2 })
  })
})

describe('chunk plan owners (the chunk map)', () => {
  it('records who delivered each chunk, first delivery only', () => {
    const plan = new ChunkPlan(4)
    assert.equal(plan.markDone(1, 7), true)
    assert.equal(plan.markDone(1, 9), false)
    assert.equal(plan.markDone(3, 255), true)
    assert.deepEqual([...plan.owners], [0, 7, 0, 255])
    assert.equal(plan.isDone(1), true)
    assert.equal(plan.isDone(0), false)
  })

  it('holds a 131,072-chunk book (32 GiB) in one byte per chunk for owners and claims', () => {
    const plan = new ChunkPlan(131_072)
    assert.equal(plan.owners.byteLength, 131_072)
    // the claim counters are a typed array of the same length (not a JS array of numbers)
    assert.ok((plan as unknown as { claims: unknown }).claims instanceof Uint8Array)
    for (let i = 0; i < 131_072; i += 2) plan.markDone(i, 1)
    assert.deepEqual(plan.claim(8, new Set()), { first: 1, count: 1 })
  })
})
