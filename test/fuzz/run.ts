// npm run fuzz -- [--seconds N] [--seed N] [--concurrency N]: the protocol fuzzer, bounded in time.
// Prints the report as JSON; exits non-zero if a node crashed, a legitimate peer was turned away,
// or (runs of a minute or more) the heap kept growing over the second half (over 2 MiB a minute).
import { parseArgs } from 'node:util'
import { runFuzz } from './protocol-fuzz.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string', default: '1' }, concurrency: { type: 'string', default: '8' } } })
const report = await runFuzz({ seconds: Number(values.seconds), seed: Number(values.seed), concurrency: Number(values.concurrency) })
const { heapMiB, ...rest } = report
process.stdout.write(`${JSON.stringify({ ...rest, failures: report.failures.slice(0, 20), heapMiB: heapMiB.filter((_, i) => i % 5 === 0) }, null, 2)}\n`)
const growing = report.seconds >= 60 && report.heapTrendMiBPerMinute > 2
if (growing) process.stderr.write(`heap grew ${report.heapTrendMiBPerMinute} MiB/min over the second half\n`)
process.exit(report.uncaught.length === 0 && report.legitimateFailed === 0 && !growing ? 0 : 1)
