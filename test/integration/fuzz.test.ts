// A short slice of the protocol fuzzer (npm run fuzz runs it longer).
import assert from 'node:assert/strict'
import { runFuzz } from '../fuzz/protocol-fuzz.js'

describe('protocol fuzzing (short slice)', function () {
  this.timeout(120_000)
  it('keeps every node up and serving legitimate peers under malformed, truncated and idle streams', async () => {
    const report = await runFuzz({ seconds: 8, seed: 7 })
    assert.deepEqual(report.uncaught, [])
    assert.ok(report.attacks > 50, `only ${report.attacks} attacks`)
    assert.ok(report.legitimateOk >= 3, `legitimate rounds: ${report.legitimateOk} ok, ${report.legitimateFailed} failed (${report.failures.slice(0, 3).join('; ')})`)
    assert.equal(report.legitimateFailed, 0, report.failures.slice(0, 3).join('; '))
    assert.ok(report.rssPeakMiB - report.rssStartMiB < 300, `memory grew from ${report.rssStartMiB} to ${report.rssPeakMiB} MiB`)
  })
})
