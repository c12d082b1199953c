// The index's garbage collections against the shelf benchmark's searches: per window, the
// collections by kind (count, mean and longest pause) and how many of the slowest 1 % of searches
// overlapped one.
//   node dist/bench/gc-overlap.js SAMPLES GC_LOG
// SAMPLES: what `npm run bench:shelf -- --samples FILE` wrote; GC_LOG: what gc-log.ts wrote.
import { readFileSync } from 'node:fs'

const [samplesFile, gcFile] = process.argv.slice(2)
if (samplesFile == null || gcFile == null) {
  process.stderr.write('usage: node dist/bench/gc-overlap.js SAMPLES GC_LOG\n')
  process.exit(2)
}
const { samples, windows } = JSON.parse(readFileSync(samplesFile, 'utf8')) as { samples: Array<[number, number]>, windows: Record<string, [number, number]> }
const collections = readFileSync(gcFile, 'utf8').trim().split('\n').filter(l => l !== '').map(l => JSON.parse(l) as [number, number, string])

for (const [name, [from, to]] of Object.entries(windows)) {
  const kinds = new Map<string, number[]>()
  for (const [at, ms, kind] of collections) {
    if (at >= from && at <= to) kinds.set(kind, [...(kinds.get(kind) ?? []), ms])
  }
  const searches = samples.filter(([sent]) => sent >= from && sent <= to).sort((a, b) => b[1] - a[1])
  const slowest = searches.slice(0, Math.max(1, Math.ceil(searches.length / 100)))
  const overlapping = slowest.filter(([sent, ms]) => collections.some(([at, pause]) => at <= sent + ms && at + pause >= sent)).length
  const byKind = [...kinds].map(([kind, pauses]) => `${kind} ${pauses.length} (mean ${(pauses.reduce((n, p) => n + p, 0) / pauses.length).toFixed(1)} ms, longest ${Math.max(...pauses).toFixed(1)})`).join(', ')
  process.stdout.write(`${name}: ${((to - from) / 1000).toFixed(1)} s; collections: ${byKind === '' ? 'none' : byKind}; ` +
    `slowest 1 % of ${searches.length} searches: ${overlapping} of ${slowest.length} overlapped a collection\n`)
}
