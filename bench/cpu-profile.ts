// Preloaded into any process of a benchmark, the search workers included (`NODE_OPTIONS="--import
// ./dist/bench/cpu-profile.js" CPU_PROFILE_DIR=DIR`: Node refuses --cpu-prof in NODE_OPTIONS, not
// --import): V8's CPU profiler from start, or CPU_PROFILE_AFTER seconds in, written as the process
// exits to DIR/<script>-<first argument>-<pid>.cpuprofile (e.g. index-worker.js-search-1234), for
// Chrome's DevTools or `node dist/bench/profile-compare.js`. CPU_PROFILE_ONLY=TEXT limits it to
// processes whose command line contains TEXT.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { basename, join } from 'node:path'

const dir = process.env.CPU_PROFILE_DIR
const only = process.env.CPU_PROFILE_ONLY
if (dir != null && dir !== '' && (only == null || process.argv.join(' ').includes(only))) {
  const session = new Session()
  session.connect()
  const start = (): void => {
    session.post('Profiler.enable')
    session.post('Profiler.setSamplingInterval', { interval: 200 })
    session.post('Profiler.start')
  }
  const after = Number(process.env.CPU_PROFILE_AFTER ?? 0) * 1000
  if (after > 0) setTimeout(start, after).unref()
  else start()
  // the main thread's session answers synchronously, so this works in an exit handler
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err != null) return
      const name = `${basename(process.argv[1] ?? 'node')}-${process.argv[2] ?? ''}-${process.pid}.cpuprofile`
      writeFileSync(join(dir, name), JSON.stringify(result.profile))
    })
  })
}
