// How far V8 lets the JS heap grow past its live data before the next full collection. A long-lived
// node caps it (a scan of 100,000 books, a burst of registrations otherwise leave hundreds of MiB of
// garbage in RSS), but a cap in percent is tiny on a small heap: at 50 % of a 25 MiB heap a provider
// sending a book ran a full collection every ~12 MiB sent, 21 per 256 MiB, a third of its CPU, and
// the downloader sat idle through each pause. So the cap never allows less than a fixed headroom:
// after every full collection the percent is set again from the live heap it left.
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { HEAP_MAX_GROWTH_PERCENT, HEAP_MIN_HEADROOM_MIB } from './constants.js'

const MiB = 1024 * 1024

/**
 * The growth to allow past `liveBytes`, percent: `percent`, raised where that is less than
 * `minHeadroomBytes`, at most `maxPercent` (V8's own sizing grows a small heap up to 4x).
 */
export function growthPercent (percent: number, liveBytes: number, minHeadroomBytes: number, maxPercent = HEAP_MAX_GROWTH_PERCENT): number {
  const forHeadroom = Math.ceil((100 * minHeadroomBytes) / Math.max(liveBytes, 1))
  return Math.min(Math.max(percent, forHeadroom), Math.max(percent, maxPercent))
}

export interface HeapGrowthLimit {
  /** The percent in force. */
  readonly percent: number
  stop: () => void
}

/**
 * Caps the heap's growth at `percent` of its live data, but never below `minHeadroomMiB`; 0 leaves
 * V8's own sizing alone. The percent follows the live heap after each full collection.
 */
export function limitHeapGrowth (percent: number, minHeadroomMiB = HEAP_MIN_HEADROOM_MIB): HeapGrowthLimit {
  let current = 0
  const apply = (): void => {
    const next = growthPercent(percent, getHeapStatistics().used_heap_size, minHeadroomMiB * MiB)
    // a few points either way change nothing worth a flag write
    if (current > 0 && Math.abs(next - current) < 5) return
    current = next
    setFlagsFromString(`--heap-growing-percent=${next}`)
  }
  if (percent <= 0) return { percent: 0, stop: () => {} }
  apply()
  const observer = new PerformanceObserver((list) => {
    if (list.getEntries().some(e => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) apply()
  })
  observer.observe({ entryTypes: ['gc'] })
  return {
    get percent () { return current },
    stop: () => { observer.disconnect() }
  }
}
