// The index's event-loop pauses during the shelf benchmark, read from its /metrics once a second:
// prom-client's nodejs_eventloop_lag_max_seconds is the longest delay the loop saw since the last
// scrape (its histogram is reset by each), so each sample is one second's longest pause. Reading
// /metrics costs the index a few milliseconds a second, the same in every window.

/** How often /metrics is read. */
const SCRAPE_INTERVAL_MS = 1_000
const LAG_MAX = /^nodejs_eventloop_lag_max_seconds (\S+)$/m

export interface LoopLagStats {
  /** Seconds sampled within the window. */
  seconds: number
  /** The longest pause seen, and the median of each second's longest. */
  longestMs: number
  medianSecondMs: number
  /** Seconds whose longest pause was above 50 ms. */
  secondsOver50ms: number
}

export class LoopLagScraper {
  /** [epoch ms when read, that second's longest pause in ms]. */
  private readonly samples: Array<[number, number]> = []
  private timer?: NodeJS.Timeout
  private scraping = false

  constructor (private readonly metricsUrl: string, private readonly now: () => number) {}

  start (): void {
    this.timer = setInterval(() => { void this.scrape() }, SCRAPE_INTERVAL_MS)
  }

  stop (): void {
    clearInterval(this.timer)
  }

  /** Each window's figures: a sample counts in every window its second overlaps. */
  windows (windows: Record<string, [number, number]>): Record<string, LoopLagStats> {
    const out: Record<string, LoopLagStats> = {}
    for (const [name, [from, to]] of Object.entries(windows)) {
      const ms = this.samples.filter(([at]) => at > from && at <= to + SCRAPE_INTERVAL_MS).map(([, lag]) => lag).sort((a, b) => a - b)
      out[name] = {
        seconds: ms.length,
        longestMs: Math.round(ms.at(-1) ?? NaN),
        medianSecondMs: Math.round(ms[Math.floor(ms.length / 2)] ?? NaN),
        secondsOver50ms: ms.filter(lag => lag > 50).length
      }
    }
    return out
  }

  private async scrape (): Promise<void> {
    // a scrape still waiting (the index busy) is not doubled
    if (this.scraping) return
    this.scraping = true
    try {
      const text = await (await fetch(this.metricsUrl, { signal: AbortSignal.timeout(10_000) })).text()
      const seconds = Number(LAG_MAX.exec(text)?.[1])
      if (Number.isFinite(seconds)) this.samples.push([this.now(), seconds * 1000])
    } catch {
      // a missed second is only a gap in the samples
    } finally {
      this.scraping = false
    }
  }
}
