import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { StallWatch } from '../../../src/limits/stall-watch.js'

/** A wait that ends after `ms` unless the signal aborts it first, with the signal's reason (as the wire's waits do). */
async function waitFor (ms: number, signal: AbortSignal): Promise<string> {
  signal.throwIfAborted()
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve('done') }, ms)
    const onAbort = (): void => { clearTimeout(timer); reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

describe('stall watch', () => {
  it('aborts a wait that takes longer than the timeout, with a TimeoutError', async () => {
    const watch = new StallWatch(50)
    try {
      await assert.rejects(watch.bound(async s => await waitFor(1_000, s)), { name: 'TimeoutError' })
      await assert.rejects(watch.bound(async s => await waitFor(1, s)), { name: 'TimeoutError' }, 'a stalled peer stays stalled')
    } finally {
      watch.stop()
    }
  })

  it('starts the timeout over for each wait, so many short waits outlast it', async () => {
    // wide margins: a loaded machine may run a 20 ms timer late, never 10 times late
    const watch = new StallWatch(200)
    try {
      for (let i = 0; i < 20; i++) assert.equal(await watch.bound(async s => await waitFor(20, s)), 'done')
    } finally {
      watch.stop()
    }
  })

  it('does not count the time between waits', async () => {
    const watch = new StallWatch(200)
    try {
      assert.equal(await watch.bound(async s => await waitFor(5, s)), 'done')
      await sleep(600)
      assert.equal(watch.signal.aborted, false)
      assert.equal(await watch.bound(async s => await waitFor(5, s)), 'done')
    } finally {
      watch.stop()
    }
  })

  it('ends a wait when the download stops', async () => {
    const stopped = new AbortController()
    const watch = new StallWatch(10_000, stopped.signal)
    try {
      const wait = watch.bound(async s => await waitFor(10_000, s))
      stopped.abort(new Error('download complete'))
      await assert.rejects(wait, /download complete/)
    } finally {
      watch.stop()
    }
  })
})
