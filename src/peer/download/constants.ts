// Tuning of the download engine, in one place so the bounds it keeps can be read together.

/**
 * Chunks per CHUNKS request, and such requests in flight per provider: together they bound what
 * one provider can push at us before we read it (8 × 3 chunks), while keeping its link busy.
 */
export const CHUNKS_PER_REQUEST = 8
export const PIPELINE_DEPTH = 3

/** Reply bytes a fetch stream holds unread before it is paused (more than the 6 MiB in flight). */
export const RECEIVE_HIGH_WATER_BYTES = 16 * 1024 * 1024

/** Verified chunks waiting for the disk; receiving pauses above this. */
export const MAX_PENDING_WRITE_BYTES = 16 * 1024 * 1024

/** In the end game a chunk is requested from at most this many providers at once. */
export const MAX_CLAIMS = 2

/** How long one reply may take before the provider counts as stalled (`stallTimeoutMs`). */
export const DEFAULT_STALL_TIMEOUT_MS = 20_000

/** Providers pulled from at once (`maxProviders`). */
export const DEFAULT_MAX_PROVIDERS = 8

/** How often a running download asks for providers that appeared since it started (`refreshIntervalMs`). */
export const DEFAULT_REFRESH_INTERVAL_MS = 30_000

/** How long reaching a provider and opening a fetch stream to it may take (asking the index again included). */
export const DIAL_TIMEOUT_MS = 10_000

/** Against a provider listed with a public address, the upgrade paths (WebRTC, reversal) wait this long for the direct dial. */
export const UPGRADE_HEAD_START_MS = 1_000

/**
 * A provider's private address is reachable only from its own network, where connecting takes
 * milliseconds; from anywhere else it may get no answer at all (a router that stays silent), so it
 * gets only this long.
 */
export const PRIVATE_DIAL_TIMEOUT_MS = 1_500

/** How long a provider dialled through its relay may take to dial us back directly (DCUtR reversal). */
export const HOLE_PUNCH_WAIT_MS = 8_000

/**
 * Taking in providers gradually (provider-ramp.ts): every RAMP_INTERVAL_MS the downloader's
 * event-loop load is sampled; after RAMP_IDLE_TICKS samples in a row below RAMP_MAX_LOAD, twice as
 * many providers may run as do. Providers that fail or stall are replaced at once, whatever the load.
 */
export const RAMP_INTERVAL_MS = 50
export const RAMP_IDLE_TICKS = 2
export const RAMP_MAX_LOAD = 0.5
