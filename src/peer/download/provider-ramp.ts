// When a download takes in more providers. Every provider pulled from costs the downloader CPU
// (decrypting, demuxing, hashing its chunks), and on loopback or a fast LAN one provider can already
// keep the downloader busy: more of them then only split the same CPU and add end-game duplicates.
// So a download starts with its best provider and adds others only while the downloader's event
// loop is mostly idle, waiting for data: the providers running are what holds it back.
import { performance } from 'node:perf_hooks'
import { RAMP_INTERVAL_MS, RAMP_MAX_LOAD, RAMP_IDLE_TICKS } from './constants.js'

/** How busy the downloader was since the last call, 0 (waiting) to 1 (never idle). */
export type LoadSampler = () => number

/** The share of wall time this process's event loop spent running, since the last call. */
function eventLoopLoad (): LoadSampler {
  let last = performance.eventLoopUtilization()
  return () => {
    const now = performance.eventLoopUtilization()
    const { utilization } = performance.eventLoopUtilization(now, last)
    last = now
    return utilization
  }
}

export interface ProviderRampInit {
  /** @default eventLoopLoad() */
  load?: LoadSampler
  /** @default RAMP_INTERVAL_MS */
  intervalMs?: number
  /** @default RAMP_MAX_LOAD */
  maxLoad?: number
}

/**
 * Calls `grow` once the downloader has been idle enough for RAMP_IDLE_TICKS intervals in a row
 * (one idle interval may be only the wait for a first reply), then starts counting again.
 */
export class ProviderRamp {
  private timer?: NodeJS.Timeout
  private idleTicks = 0
  private readonly load: LoadSampler

  constructor (private readonly init: ProviderRampInit = {}) {
    this.load = init.load ?? eventLoopLoad()
  }

  start (grow: () => void): void {
    this.load()
    this.timer = setInterval(() => {
      const load = this.load()
      this.idleTicks = load < (this.init.maxLoad ?? RAMP_MAX_LOAD) ? this.idleTicks + 1 : 0
      if (this.idleTicks >= RAMP_IDLE_TICKS) {
        this.idleTicks = 0
        grow()
      }
    }, this.init.intervalMs ?? RAMP_INTERVAL_MS)
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
  }
}
