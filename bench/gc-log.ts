// Preloaded into a benchmark's index (`--index-node-args=--import ./dist/bench/gc-log.js`, with
// GC_LOG=FILE): every garbage collection as one JSON line [epoch ms when it began, its pause in ms,
// its kind: minor, major, incremental, weakcb], appended once a second and as the process exits.
// `node dist/bench/gc-overlap.js` reads it against the shelf benchmark's searches.
import { appendFileSync } from 'node:fs'
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'

const file = process.env.GC_LOG
if (file == null || file === '') throw new Error('gc-log: set GC_LOG to the file to write')
const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb'
}
const pending: string[] = []
new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
    const kind = entry.detail?.kind ?? -1
    pending.push(JSON.stringify([Math.round(performance.timeOrigin + entry.startTime), Math.round(entry.duration * 100) / 100, KINDS[kind] ?? String(kind)]))
  }
}).observe({ entryTypes: ['gc'] })
const flush = (): void => { if (pending.length > 0) appendFileSync(file, `${pending.splice(0).join('\n')}\n`) }
setInterval(flush, 1_000).unref()
process.on('exit', flush)
