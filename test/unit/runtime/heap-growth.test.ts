import assert from 'node:assert/strict'
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { growthPercent, limitHeapGrowth } from '../../../src/runtime/heap-growth.js'
import { HEAP_MAX_GROWTH_PERCENT, HEAP_MIN_HEADROOM_MIB } from '../../../src/runtime/constants.js'

const MiB = 1024 * 1024

describe('heap growth cap', () => {
  after(() => {
    // V8's own sizing again for the tests that follow
    setFlagsFromString('--heap-growing-percent=0')
  })

  it('keeps the percent on a large heap and raises it on a small one to the headroom', () => {
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

  it('leaves V8 alone when given 0', () => {
    const limit = limitHeapGrowth(0)
    assert.equal(limit.percent, 0)
    limit.stop()
  })

  it('sets the percent again from the live heap after each full collection', async function () {
    this.timeout(30_000)
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const heapMiB = getHeapStatistics().used_heap_size / MiB
    // a headroom of the heap's own size: about 100 % now
    const limit = limitHeapGrowth(10, heapMiB)
    const before = limit.percent
    assert.ok(before >= 80 && before <= 120, `about 100 %, got ${before}`)
    // twice the live data: the same headroom is half as many percent
    // (arrays of doubles: on the JS heap, where large strings would be external)
    const kept = Array.from({ length: Math.ceil(heapMiB) }, (_, i) => new Array<number>(MiB / 8).fill(i + 0.5))
    try {
      for (let i = 0; i < 50 && limit.percent > before - 25; i++) {
        gc()
        await new Promise(resolve => setTimeout(resolve, 20))
      }
      assert.ok(limit.percent <= before - 25, `the percent went from ${before} to ${limit.percent} with the heap doubled`)
      assert.equal(kept.length, Math.ceil(heapMiB))
    } finally {
      limit.stop()
    }
  })
})
