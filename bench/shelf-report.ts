// The shelf benchmark's figures: search latencies cut into time windows, and the printed table.

function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 100) / 100
}

export interface WindowStats { searches: number, p50ms: number, p99ms: number, maxMs: number }

/** Latency of the searches sent within each window ([from, to], epoch ms). */
export function searchWindows (samples: Array<[number, number]>, windows: Record<string, [number, number]>): Record<string, WindowStats> {
  const out: Record<string, WindowStats> = {}
  for (const [name, [from, to]] of Object.entries(windows)) {
    const ms = samples.filter(([at]) => at >= from && at <= to).map(([, latency]) => latency).sort((a, b) => a - b)
    out[name] = { searches: ms.length, p50ms: percentile(ms, 0.5), p99ms: percentile(ms, 0.99), maxMs: Math.round((ms.at(-1) ?? NaN) * 100) / 100 }
  }
  return out
}

/** The errors the peer's index link reported while registering, if any. */
const errorsOf = (phase: { errors: string[] }): string => phase.errors.length > 0 ? `; the peer's link to the index reported: ${phase.errors.join('; ')}` : ''

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100

export function printTable (r: Record<string, any>): void {
  const s = r.searches
  const change = (kind: string): string => typeof r.changes[kind] === 'number' ? `${r.changes[kind]} s` : String(r.changes[kind])
  const rows = [
    [`library: ${r.scale.books} books, ${r.scale.gib} GiB`, `mean ${r.scale.meanKiB} KiB`, `100 KiB–5 MiB, skewed low to fit this machine; page cache warm for both sides (MemAvailable ${r.scale.memAvailableGiB} GiB)`],
    ['1. first scan + hash', `${r.firstScan.seconds} s`, `${r.firstScan.mbPerSecond} MB/s; sha256sum over the same files ${r.sha256sum.seconds} s (${r.sha256sum.mbPerSecond} MB/s): ${r.firstScan.vsSha256sum}x its throughput (target >= 0.8x)`],
    ['2. registered (spawn to all counted)', `${r.firstRegistration.secondsFromSpawn} s`, `${r.firstRegistration.secondsAfterScan} s after the scan; last book found by a search ${r.firstRegistration.lastBookFoundFromSpawn} s after spawn${errorsOf(r.firstRegistration)}`],
    ['3. peer RSS: now / peak', `${r.peerMemory.rss} / ${r.peerMemory.peak} MiB`, `after restart ${r.restartMemory.rss} / ${r.restartMemory.peak} MiB (target <= 400 MiB)`],
    ['4. added / removed / renamed', `${change('added')} / ${change('removed')} / ${change('renamed')}`, 'until a search finds it or no longer does (target <= 5 s)'],
    ['5. restart, warm cache', `${r.restart.secondsToListed} s`, `spawn to every book listed by the index again (${r.restart.how}); the peer reports it ${r.restart.secondsToRegistered} s after spawn, after its scan of ${r.restart.scanSeconds} s; the old peer stopped in ${r.restart.stopSeconds} s (target <= 10 s)${errorsOf(r.restart)}`],
    ['6. searches, index idle', `p99 ${s.idle.p99ms} ms`, `p50 ${s.idle.p50ms} ms, ${s.idle.searches} searches (the same index empty: p99 ${s.emptyIndex.p99ms} ms); the sharing peer ${r.peerNice > 0 ? `at nice ${r.peerNice as number}` : 'at normal priority'}`],
    ['6. during the first registration', `p99 ${s.firstRegistration.p99ms} ms`, `p50 ${s.firstRegistration.p50ms} ms, max ${s.firstRegistration.maxMs} ms, ${s.firstRegistration.searches} searches: ${ratio(s.firstRegistration.p99ms, s.idle.p99ms)}x idle (target <= 2x)`],
    ['6. during the restart (stop to registered)', `p99 ${s.restartRegistration.p99ms} ms`, `p50 ${s.restartRegistration.p50ms} ms, max ${s.restartRegistration.maxMs} ms, ${s.restartRegistration.searches} searches: ${ratio(s.restartRegistration.p99ms, s.idle.p99ms)}x idle (target <= 2x)`],
    ...['idle', 'firstRegistration', 'restartRegistration'].map(w => [`   index event loop, ${w}`, `longest ${r.indexLoop[w].longestMs} ms`,
      `each second's longest: median ${r.indexLoop[w].medianSecondMs} ms, above 50 ms in ${r.indexLoop[w].secondsOver50ms} of ${r.indexLoop[w].seconds} s`])
  ]
  const w = [0, 1].map(i => Math.max(...rows.map(row => row[i].length)))
  for (const row of rows) process.stdout.write(`${row.map((c, i) => i < 2 ? c.padEnd(w[i]) : c).join('  ')}\n`)
}
