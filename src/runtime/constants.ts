// Defaults of the process-wide settings both the peer and the index apply (heap-growth.ts).

/**
 * While the heap churns (below), its growth cap allows at least this far past the live data: what a
 * transfer allocates in a moment, so that a small heap is not collected in full every few MiB.
 */
export const HEAP_MIN_HEADROOM_MIB = 64
/** Growth past the live heap allowed at most under the floor, percent (V8's own sizing stops at 4x). */
export const HEAP_MAX_GROWTH_PERCENT = 300
/**
 * The heap churns when this many full collections in a row came within this long and left live
 * heaps within this ratio, or this many MiB, of each other (a provider at 50 % ran one every 60-80
 * ms, each leaving 26.0-26.1 MiB); once live data grows past both again (a scan grows it by tens of
 * MiB a second), the floor is off.
 */
export const HEAP_CHURN_COLLECTIONS = 3
export const HEAP_CHURN_WINDOW_MS = 2_000
export const HEAP_FLAT_RATIO = 1.1
export const HEAP_FLAT_MIB = 8
