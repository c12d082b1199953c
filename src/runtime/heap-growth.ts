// How far V8 lets the JS heap grow past its live data before the next full collection. A long-lived
// node caps it (a scan of 100,000 books, a burst of registrations otherwise leave hundreds of MiB of
// garbage in RSS), but a cap in percent is tiny on a small heap that allocates fast without growing:
// at 50 % of a 25 MiB heap, a provider sending a book ran a full collection every ~12 MiB sent (21
// per 256 MiB, freeing nothing, a third of its CPU) and the downloader sat idle through each pause.
// So while full collections come back to back and the live heap stays flat, the cap allows at least
// a fixed headroom; as soon as the live heap grows again (a scan, a restart reading its cache) the
// plain percent is back, so building data still leaves no more garbage than it did.
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { HEAP_CHURN_COLLECTIONS, HEAP_CHURN_WINDOW_MS, HEAP_FLAT_MIB, HEAP_FLAT_RATIO, HEAP_MAX_GROWTH_PERCENT, HEAP_MIN_HEADROOM_MIB } from './constants.js'

const MiB = 1024 * 1024

/**
 * The growth to allow past `liveBytes`, percent, with the headroom floor: `percent`, raised where that
 * is less than `minHeadroomBytes`, at most `maxPercent` (V8's own sizing grows a small heap up to 4x).
 */
export function growthPercent (percent: number, liveBytes: number, minHeadroomBytes: number, maxPercent = HEAP_MAX_GROWTH_PERCENT): number {
  const forHeadroom = Math.ceil((100 * minHeadroomBytes) / Math.max(liveBytes, 1))
  return Math.min(Math.max(percent, forHeadroom), Math.max(percent, maxPercent))
}

export interface HeapGrowthPolicyInit {
  /** The cap, percent of the live heap. */
  percent: number
  minHeadroomMiB?: number
  /** This many full collections within `windowMs` with a flat live heap: the heap churns. */
  churnCollections?: number
  windowMs?: number
  /** Live heaps within this ratio, or this many MiB, of each other count as flat. */
  flatRatio?: number
  flatMiB?: number
}

/** Decides the percent after each full collection, from when it ran and the live heap it left. */
export class HeapGrowthPolicy {
  private readonly recent: Array<{ at: number, live: number }> = []
  /** The live heap when the floor came on; undefined while it is off. */
  private floorBase?: number
  private readonly minHeadroomBytes: number
  private readonly churnCollections: number
  private readonly windowMs: number
  private readonly flatRatio: number
  private readonly flatBytes: number

  constructor (private readonly init: HeapGrowthPolicyInit) {
    this.minHeadroomBytes = (init.minHeadroomMiB ?? HEAP_MIN_HEADROOM_MIB) * MiB
    this.churnCollections = init.churnCollections ?? HEAP_CHURN_COLLECTIONS
    this.windowMs = init.windowMs ?? HEAP_CHURN_WINDOW_MS
    this.flatRatio = init.flatRatio ?? HEAP_FLAT_RATIO
    this.flatBytes = (init.flatMiB ?? HEAP_FLAT_MIB) * MiB
  }

  private flat (low: number, high: number): boolean {
    return high <= low * this.flatRatio || high - low <= this.flatBytes
  }

  /** Whether the headroom floor is on. */
  get floor (): boolean {
    return this.floorBase != null
  }

  afterFullCollection (at: number, liveBytes: number): number {
    this.recent.push({ at, live: liveBytes })
    if (this.recent.length > this.churnCollections) this.recent.shift()
    if (this.floorBase != null) {
      // growing again: building data, where the plain cap bounds the garbage
      if (!this.flat(this.floorBase, liveBytes)) this.floorBase = undefined
      else this.floorBase = Math.min(this.floorBase, liveBytes)
    } else if (this.churning()) {
      this.floorBase = liveBytes
    }
    return this.floorBase != null ? growthPercent(this.init.percent, liveBytes, this.minHeadroomBytes) : this.init.percent
  }

  private churning (): boolean {
    if (this.recent.length < this.churnCollections) return false
    const first = this.recent[0]
    const last = this.recent[this.recent.length - 1]
    const lives = this.recent.map(r => r.live)
    return last.at - first.at <= this.windowMs && this.flat(Math.min(...lives), Math.max(...lives))
  }
}

/**
 * The heap's live data as the last full collection left it: all but the young generation, where
 * whatever was allocated since (before the observer runs) would count as growth.
 */
function oldGenerationBytes (): number {
  let bytes = 0
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name !== 'new_space' && space.space_name !== 'new_large_object_space') bytes += space.space_used_size
  }
  return bytes
}

export interface HeapGrowthLimit {
  /** The percent in force. */
  readonly percent: number
  stop: () => void
}

/**
 * Caps the heap's growth at `percent` of its live data (0 leaves V8's own sizing alone), with the
 * headroom floor while the heap churns; decided again after each full collection.
 */
export function limitHeapGrowth (percent: number, init: Omit<HeapGrowthPolicyInit, 'percent'> = {}): HeapGrowthLimit {
  if (percent <= 0) return { percent: 0, stop: () => {} }
  const policy = new HeapGrowthPolicy({ ...init, percent })
  let current = percent
  setFlagsFromString(`--heap-growing-percent=${percent}`)
  const observer = new PerformanceObserver((list) => {
    const major = list.getEntries().find(e => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
    if (major == null) return
    const next = policy.afterFullCollection(major.startTime + major.duration, oldGenerationBytes())
    // a few points either way change nothing worth a flag write
    if (next === current || (next !== percent && Math.abs(next - current) < 5)) return
    current = next
    setFlagsFromString(`--heap-growing-percent=${next}`)
  })
  observer.observe({ entryTypes: ['gc'] })
  return {
    get percent () { return current },
    stop: () => { observer.disconnect() }
  }
}
