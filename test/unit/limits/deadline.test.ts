// A deadline combined with other signals still fires after garbage collection (nodejs/node#57736:
// a timeout inside AbortSignal.any could be collected, and the wait it bounded never ended).
import assert from 'node:assert/strict'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { deadline } from '../../../src/limits/deadline.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Resolves with how the signal ended, or 'not aborted' after `ms`. */
async function outcome (signal: AbortSignal, ms: number): Promise<string> {
  return await new Promise(resolve => {
    const timer = setTimeout(() => { resolve('not aborted') }, ms)
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve((signal.reason as Error).name) }, { once: true })
  })
}

describe('deadline', () => {
  it('aborts with a TimeoutError when its time is up, though collections ran meanwhile', async () => {
    const longLived = new AbortController()
    const results = Array.from({ length: 20 }, () => outcome(deadline(100, longLived.signal), 5_000))
    for (let i = 0; i < 5; i++) { gc(); await new Promise(resolve => setTimeout(resolve, 10)) }
    assert.deepEqual(await Promise.all(results), Array(20).fill('TimeoutError'))
  })

  it('aborts with any of its other signals first', async () => {
    const stop = new AbortController()
    const signal = deadline(60_000, undefined, stop.signal)
    stop.abort(new Error('stopped'))
    assert.equal(signal.aborted, true)
    assert.equal((signal.reason as Error).message, 'stopped')
  })

  it('is a plain timeout without other signals', async () => {
    assert.equal(await outcome(deadline(20), 5_000), 'TimeoutError')
  })
})
