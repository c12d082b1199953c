// npm run fuzz -- [--seconds N] [--seed N] [--concurrency N]: the protocol fuzzer, bounded in time.
// Prints the report as JSON; exits non-zero if a node crashed or a legitimate peer was turned away.
import { parseArgs } from 'node:util'
import { runFuzz } from './protocol-fuzz.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string', default: '1' }, concurrency: { type: 'string', default: '8' } } })
const report = await runFuzz({ seconds: Number(values.seconds), seed: Number(values.seed), concurrency: Number(values.concurrency) })
process.stdout.write(`${JSON.stringify({ ...report, failures: report.failures.slice(0, 20) }, null, 2)}\n`)
process.exit(report.uncaught.length === 0 && report.legitimateFailed === 0 ? 0 : 1)
