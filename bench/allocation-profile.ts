// Preloaded into a benchmark's index (`--index-node-args "--import ./dist/bench/allocation-profile.js"`):
// V8's sampling heap profiler, counting the objects young- and old-generation collections freed
// too (Node's own --heap-prof keeps only those alive at the end), so it shows what a phase
// allocates, which sets how often the collector pauses. Writes the profile to ALLOCATION_PROFILE
// after ALLOCATION_PROFILE_SECONDS (default 60) of sampling, begun ALLOCATION_PROFILE_AFTER seconds
// after start (default 0); `node dist/bench/allocation-summary.js FILE` reads it.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'

const file = process.env.ALLOCATION_PROFILE
if (file == null || file === '') throw new Error('allocation-profile: set ALLOCATION_PROFILE to the file to write')
const after = Number(process.env.ALLOCATION_PROFILE_AFTER ?? 0) * 1000
const seconds = Number(process.env.ALLOCATION_PROFILE_SECONDS ?? 60) * 1000

const session = new Session()
session.connect()
setTimeout(() => {
  void session.post('HeapProfiler.startSampling', { samplingInterval: 16 * 1024, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true } as any).then(() => {
    setTimeout(() => {
      void session.post('HeapProfiler.stopSampling').then(({ profile }) => {
        writeFileSync(file, JSON.stringify(profile))
        process.stderr.write(`allocation profile written to ${file}\n`)
      })
    }, seconds).unref()
  })
}, after).unref()
