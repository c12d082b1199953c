import assert from 'node:assert/strict'
import { BandwidthBudget, parseRate, TokenBucket, type Clock } from '../../../src/limits/token-bucket.js'

/** A clock that only moves when sleepers are woken by advancing it. */
class FakeClock implements Clock {
  time = 0
  private sleepers: Array<{ until: number, resolve: () => void }> = []
  now = (): number => this.time
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      signal?.throwIfAborted()
      const sleeper = { until: this.time + ms, resolve }
      this.sleepers.push(sleeper)
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter(s => s !== sleeper)
        reject(signal.reason)
      }, { once: true })
    })
  }

  /** Jumps to the earliest sleeper's wake time and wakes it. */
  async step (): Promise<boolean> {
    this.sleepers.sort((a, b) => a.until - b.until)
    const next = this.sleepers.shift()
    if (next == null) return false
    this.time = Math.max(this.time, next.until)
    next.resolve()
    await new Promise(resolve => setImmediate(resolve))
    return true
  }
}

/** Sends `chunk`-byte pieces through `take` for `seconds` of fake time; returns bytes sent. */
async function pump (clock: FakeClock, take: (bytes: number) => Promise<void>, chunk: number, seconds: number, senders = 1): Promise<number> {
  let sent = 0
  const end = seconds * 1000
  const sender = async (): Promise<void> => {
    while (clock.time < end) {
      await take(chunk)
      if (clock.time <= end) sent += chunk
    }
  }
  const all = Promise.all(Array.from({ length: senders }, sender))
  let steps = 0
  while (clock.time < end && steps++ < 1_000_000) {
    await new Promise(resolve => setImmediate(resolve))
    if (!await clock.step()) break
  }
  while (await clock.step()) { /* release the last sleepers */ }
  await all
  return sent
}

describe('token bucket', () => {
  it('holds the rate within 10% over a 10 s window, for several chunk sizes and senders', async () => {
    for (const [rate, chunk, senders] of [[2 * 1024 * 1024, 256 * 1024, 1], [4 * 1024 * 1024, 16 * 1024, 3], [300 * 1024, 256 * 1024, 2]]) {
      const clock = new FakeClock()
      const bucket = new TokenBucket(rate, undefined, clock)
      const sent = await pump(clock, async (n) => { await bucket.take(n) }, chunk, 10, senders)
      const ratio = sent / (rate * 10)
      assert.ok(ratio > 0.9 && ratio < 1.1, `rate ${rate} chunk ${chunk}: ratio ${ratio.toFixed(3)}`)
    }
  })

  it('lets a burst through at once, then paces', async () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(1000, 500, clock)
    assert.equal(bucket.delayFor(500), 0)
    await bucket.take(500)
    assert.equal(bucket.delayFor(100), 100)
  })

  it('gives tokens back when a wait is aborted', async () => {
    const bucket = new TokenBucket(1000, 100)
    const controller = new AbortController()
    const waiting = bucket.take(5000, controller.signal)
    controller.abort(new Error('stop'))
    await assert.rejects(waiting, /stop/)
    assert.ok(bucket.delayFor(100) < 50)
  })

  it('holds one peer to its per-peer budget', async () => {
    const clock = new FakeClock()
    const budget = new BandwidthBudget({ total: 1_000_000, perPeer: 300_000 }, clock)
    // one peer alone is held to its own budget
    const alone = await pump(clock, async (n) => { await budget.take('a', n) }, 10_000, 10)
    assert.ok(Math.abs(alone / 3_000_000 - 1) < 0.1, `per peer ratio ${alone / 3_000_000}`)
  })

  it('holds several peers together to the total budget', async () => {
    const clock = new FakeClock()
    const budget = new BandwidthBudget({ total: 500_000, perPeer: 300_000 }, clock)
    // four peers could take 1.2 MB/s on their own budgets; the total caps them at 0.5 MB/s
    let turn = 0
    const sent = await pump(clock, async (n) => { await budget.take(`peer-${turn++ % 4}`, n) }, 10_000, 10, 4)
    assert.ok(Math.abs(sent / 5_000_000 - 1) < 0.1, `total ratio ${sent / 5_000_000}`)
  })

  it('works out a wait under way again when the rate changes', async () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(1000, 1000, clock)
    await bucket.take(1000)
    let done = false
    // 10 s at 1,000 B/s
    const waiting = bucket.take(10_000).then(() => { done = true })
    await new Promise(resolve => setImmediate(resolve))
    // 2 s into the wait, the rate goes up eightfold
    clock.time = 2_000
    bucket.setRate(8_000)
    await new Promise(resolve => setImmediate(resolve))
    // 2,000 paid at the old rate, the 8,000 left at 8,000 B/s: one more second
    while (await clock.step()) { /* the remaining sleeps */ }
    await waiting
    assert.ok(done)
    assert.equal(clock.time, 3_000)
    assert.equal(bucket.bytesPerSecond, 8_000)
  })

  it('ends every wait at once when the limit is lifted', async () => {
    const clock = new FakeClock()
    const budget = new BandwidthBudget({ total: 1000, perPeer: 500 }, clock)
    await budget.take('a', 64 * 1024)
    const waiting = budget.take('a', 100_000)
    await new Promise(resolve => setImmediate(resolve))
    budget.setLimits({ total: undefined, perPeer: undefined })
    await waiting
    assert.equal(clock.time, 0)
    assert.equal(budget.limited, false)
    assert.deepEqual(budget.limits, { total: undefined, perPeer: undefined })
    // and a limit set again applies to what comes next; the per-peer one left as it was
    budget.setLimits({ total: 2000 })
    assert.equal(budget.limited, true)
    assert.deepEqual(budget.limits, { total: 2000, perPeer: undefined })
  })

  it('parses rates people type', () => {
    assert.equal(parseRate('2MiB/s'), 2 * 1024 * 1024)
    assert.equal(parseRate('500KiB'), 500 * 1024)
    assert.equal(parseRate('1.5 MB/s'), 1.5 * 1024 * 1024)
    assert.equal(parseRate('4096'), 4096)
    assert.throws(() => parseRate('fast'), /not a rate/)
    assert.throws(() => parseRate('0'), /positive/)
  })
})

describe('per-peer request limits', () => {
  it('allows a minute\'s budget in a burst, then asks to wait, per peer', async () => {
    const { PeerRateLimiter } = await import('../../../src/limits/peer-rate-limiter.js')
    const clock = new FakeClock()
    const limiter = new PeerRateLimiter(60, clock)
    for (let i = 0; i < 60; i++) assert.equal(limiter.check('a'), 0)
    assert.equal(limiter.check('a'), 1)
    assert.equal(limiter.check('b'), 0, 'another peer has its own budget')
    clock.time += 1000
    assert.equal(limiter.check('a'), 0, 'one request per second comes back')
    assert.equal(limiter.check('a'), 1)
  })
})
