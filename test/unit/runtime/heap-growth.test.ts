import assert from 'node:assert/strict'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { growthPercent, HeapGrowthPolicy, limitHeapGrowth } from '../../../src/runtime/heap-growth.js'
import { HEAP_MAX_GROWTH_PERCENT, HEAP_MIN_HEADROOM_MIB } from '../../../src/runtime/constants.js'

const MiB = 1024 * 1024

describe('heap growth cap', () => {
  after(() => {
    // V8's own sizing again for the tests that follow
    setFlagsFromString('--heap-growing-percent=0')
  })

  it('floors the growth at a headroom: the percent on a large heap, more on a small one', () => {
    assert.equal(growthPercent(50, 1024 * MiB, 64 * MiB), 50, '50 % of 1 GiB is more than 64 MiB')
    assert.equal(growthPercent(50, 25 * MiB, 64 * MiB), 256, '64 MiB past a 25 MiB heap')
    assert.equal(growthPercent(50, 128 * MiB, 64 * MiB), 50)
    assert.equal(growthPercent(50, 100 * MiB, 64 * MiB), 64)
  })

  it('never allows more than the most V8 would, unless asked for more', () => {
    assert.equal(growthPercent(50, 1 * MiB, HEAP_MIN_HEADROOM_MIB * MiB), HEAP_MAX_GROWTH_PERCENT)
    assert.equal(growthPercent(50, 0, 64 * MiB), HEAP_MAX_GROWTH_PERCENT)
    assert.equal(growthPercent(500, 1 * MiB, 64 * MiB), 500, 'a larger percent given stays')
  })

  describe('policy', () => {
    it('floors a small heap that is collected back to back without growing (a provider sending a book)', () => {
      const policy = new HeapGrowthPolicy({ percent: 50, minHeadroomMiB: 64 })
      const percents = [0, 70, 140, 210, 280].map((at, i) => policy.afterFullCollection(at, (26 + (i % 2) * 0.1) * MiB))
      assert.deepEqual(percents.slice(0, 2), [50, 50], 'not on two collections')
      assert.equal(percents[2], 247, '64 MiB past 26 MiB')
      assert.equal(policy.floor, true)
    })

    it('keeps the plain percent while the live heap grows (a scan), and for collections far apart', () => {
      const growing = new HeapGrowthPolicy({ percent: 50 })
      for (const [at, live] of [[0, 24], [20, 33], [900, 38], [1_500, 60], [1_800, 90]]) {
        assert.equal(growing.afterFullCollection(at, live * MiB), 50, `at ${at} ms, ${live} MiB live`)
      }
      const rare = new HeapGrowthPolicy({ percent: 50 })
      for (const at of [0, 5_000, 10_000, 15_000]) assert.equal(rare.afterFullCollection(at, 26 * MiB), 50)
      assert.equal(rare.floor, false)
    })

    it('takes the floor away as soon as the live heap grows again', () => {
      const policy = new HeapGrowthPolicy({ percent: 50, minHeadroomMiB: 64 })
      for (const at of [0, 70, 140]) policy.afterFullCollection(at, 26 * MiB)
      assert.equal(policy.floor, true)
      assert.equal(policy.afterFullCollection(5_000, 27 * MiB), 238, 'still flat, even collections apart')
      assert.equal(policy.floor, true)
      policy.afterFullCollection(5_500, 29 * MiB)
      assert.equal(policy.floor, true, 'a few MiB more on a small heap (a peer or two more known) is still flat')
      assert.equal(policy.afterFullCollection(6_000, 40 * MiB), 50, 'a scan started')
      assert.equal(policy.floor, false)
    })

    it('never goes under the percent asked for, floor or not', () => {
      const policy = new HeapGrowthPolicy({ percent: 80, minHeadroomMiB: 64 })
      for (const at of [0, 70, 140]) assert.ok(policy.afterFullCollection(at, 512 * MiB) === 80)
    })
  })

  it('leaves V8 alone when given 0', () => {
    const limit = limitHeapGrowth(0)
    assert.equal(limit.percent, 0)
    limit.stop()
  })

  it('raises the percent after full collections back to back on a flat heap, from the collections V8 reports', async function () {
    this.timeout(30_000)
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    // a headroom ten times this heap: any floor is far above 50 % (capped at HEAP_MAX_GROWTH_PERCENT)
    const limit = limitHeapGrowth(50, { minHeadroomMiB: 10_000 })
    try {
      assert.equal(limit.percent, 50)
      for (let i = 0; i < 20 && limit.percent === 50; i++) {
        gc()
        await new Promise(resolve => setTimeout(resolve, 10))
      }
      assert.equal(limit.percent, HEAP_MAX_GROWTH_PERCENT)
    } finally {
      limit.stop()
    }
  })
})
