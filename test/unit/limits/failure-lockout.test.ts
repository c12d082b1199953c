import assert from 'node:assert/strict'
import { FailureLockout } from '../../../src/limits/failure-lockout.js'
import type { Clock } from '../../../src/limits/token-bucket.js'

function manualClock (): Clock & { time: number } {
  const clock = { time: 0, now: () => clock.time, sleep: async () => {} }
  return clock
}

describe('FailureLockout', () => {
  it('forgives 10 failures a minute and locks out the 11th for 60 s', () => {
    const clock = manualClock()
    const lockout = new FailureLockout(10, 60_000, clock)
    for (let i = 0; i < 10; i++) assert.equal(lockout.fail('1.2.3.4'), false, `failure ${i + 1}`)
    assert.equal(lockout.lockedFor('1.2.3.4'), 0)
    assert.equal(lockout.fail('1.2.3.4'), true)
    assert.equal(lockout.lockedFor('1.2.3.4'), 60_000)
    clock.time = 59_999
    assert.equal(lockout.lockedFor('1.2.3.4'), 1)
    clock.time = 60_000
    assert.equal(lockout.lockedFor('1.2.3.4'), 0)
  })

  it('counts each address apart', () => {
    const lockout = new FailureLockout(2, 1_000, manualClock())
    lockout.fail('a'); lockout.fail('a')
    assert.equal(lockout.fail('a'), true)
    assert.equal(lockout.fail('b'), false)
    assert.equal(lockout.lockedFor('b'), 0)
  })

  it('forgives failures spread over time (the budget refills)', () => {
    const clock = manualClock()
    const lockout = new FailureLockout(10, 60_000, clock)
    for (let i = 0; i < 30; i++) {
      assert.equal(lockout.fail('a'), false)
      clock.time += 6_000
    }
  })
})
