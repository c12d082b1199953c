// Defaults of the process-wide settings both the peer and the index apply (heap-growth.ts).

/**
 * Under a heap growth cap, the heap may still grow at least this far past its live data between
 * full collections: what a transfer or a burst of searches allocates in a moment, so that a small
 * heap is not collected in full every few MiB.
 */
export const HEAP_MIN_HEADROOM_MIB = 64
/** Growth past the live heap allowed at most, percent, however small the heap (V8's own sizing stops at 4x). */
export const HEAP_MAX_GROWTH_PERCENT = 300
