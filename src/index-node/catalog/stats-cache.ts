// The catalog's live counts, kept a moment. Counting books walks every listing (~0.1 s at a
// million), so a count stays valid for up to a second while nothing changes: stats requests cannot
// keep the index busy.
import type { CatalogStats } from './types.js'

const STATS_VALID_MS = 1_000

export class StatsCache {
  private last?: { at: number, writes: number, stats: CatalogStats }

  /**
   * The count made at most a second before `now`, unless a write changed the catalog since
   * (`writes` counts those), else a new one from `count`.
   */
  get (now: number, writes: number, count: () => CatalogStats): CatalogStats {
    const last = this.last
    if (last != null && last.writes === writes && now - last.at < STATS_VALID_MS && now >= last.at) return last.stats
    const stats = count()
    this.last = { at: now, writes, stats }
    return stats
  }
}
