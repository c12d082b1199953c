import assert from 'node:assert/strict'
import { ChangeSampler, KeyedThrottle } from '../../../src/http/events/throttle.js'

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('http event throttles', () => {
  it('passes one value per key per interval, the latest, and flushes the last on request', async () => {
    const sent: string[] = []
    const throttle = new KeyedThrottle<string>(100, (v) => sent.push(v))
    throttle.push('a', 'a1')
    throttle.push('a', 'a2')
    throttle.push('a', 'a3')
    throttle.push('b', 'b1')
    assert.deepEqual(sent, ['a1', 'b1'])
    await sleep(150)
    assert.deepEqual(sent, ['a1', 'b1', 'a3'])
    throttle.push('a', 'a3b')
    assert.deepEqual(sent, ['a1', 'b1', 'a3'], 'a value sent at its turn starts a new interval')
    await sleep(150)
    assert.deepEqual(sent, ['a1', 'b1', 'a3', 'a3b'])
    throttle.push('a', 'a4')
    throttle.flush('a')
    assert.deepEqual(sent, ['a1', 'b1', 'a3', 'a3b', 'a4'])
    throttle.push('a', 'a5')
    assert.deepEqual(sent.at(-1), 'a5', 'a flushed key starts over')
    throttle.push('a', 'a6')
    throttle.drop('a')
    await sleep(150)
    assert.deepEqual(sent.at(-1), 'a5', 'a dropped key sends nothing held back')
    throttle.push('a', 'a7')
    assert.deepEqual(sent.at(-1), 'a7', 'and starts over')
    throttle.clear()
  })

  it('samples state only while someone listens and passes it on only when it changed', async () => {
    let state = 1
    let listening = true
    let reads = 0
    const sent: number[] = []
    const sampler = new ChangeSampler(20, () => { reads++; return state }, (v) => sent.push(v), () => listening)
    sampler.start()
    try {
      await sleep(70)
      assert.deepEqual(sent, [1])
      state = 2
      await sleep(50)
      assert.deepEqual(sent, [1, 2])
      listening = false
      const before = reads
      await sleep(50)
      assert.equal(reads, before)
    } finally {
      sampler.stop()
    }
  })
})
