import assert from 'node:assert/strict'
import { UploadSlots } from '../../../src/limits/upload-slots.js'

describe('upload slots', () => {
  it('serves at most N at once and queues the rest round-robin by peer', async () => {
    const slots = new UploadSlots(1)
    const first = await slots.acquire('a')
    const served: string[] = []
    const positions = new Map<string, number[]>()
    const wait = (peer: string, tag: string): Promise<() => void> => slots.acquire(peer, {
      onPosition: (p) => { positions.set(tag, [...(positions.get(tag) ?? []), p]) }
    }).then((release) => { served.push(tag); return release })
    // peer a asks three times before b and c ask once each
    const waits = [wait('a', 'a1'), wait('a', 'a2'), wait('a', 'a3'), wait('b', 'b1'), wait('c', 'c1')]
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(slots.inUse, 1)
    assert.equal(slots.queued, 5)
    // round-robin order: a1 b1 c1 a2 a3
    assert.deepEqual([...positions].map(([tag, p]) => [tag, p.at(-1)]), [['a1', 1], ['a2', 4], ['a3', 5], ['b1', 2], ['c1', 3]])
    first()
    for (let i = 0; i < 5; i++) {
      await new Promise(resolve => setImmediate(resolve))
      const release = await waits[['a1', 'a2', 'a3', 'b1', 'c1'].indexOf(served.at(-1) as string)]
      release()
    }
    await Promise.all(waits)
    assert.deepEqual(served, ['a1', 'b1', 'c1', 'a2', 'a3'])
    // a peer's first request only ever moves forward; its extra requests yield to newcomers
    for (const tag of ['a1', 'b1', 'c1']) {
      const p = positions.get(tag) ?? []
      assert.deepEqual(p, [...p].sort((x, y) => y - x), tag)
    }
    assert.equal(slots.inUse, 0)
  })

  it('lets a waiter leave the queue, moving the others up', async () => {
    const slots = new UploadSlots(1)
    const release = await slots.acquire('x')
    const controller = new AbortController()
    const seen: number[] = []
    const leaving = slots.acquire('y', { signal: controller.signal })
    const staying = slots.acquire('z', { onPosition: (p) => seen.push(p) })
    await new Promise(resolve => setImmediate(resolve))
    controller.abort(new Error('gone'))
    await assert.rejects(leaving, /gone/)
    assert.deepEqual(seen, [2, 1])
    release()
    const r = await staying
    r()
    r() // releasing twice is harmless
    assert.equal(slots.inUse, 0)
  })
})

describe('upload slots changed at runtime', () => {
  it('serves waiting peers at once when slots are added', async () => {
    const slots = new UploadSlots(1)
    await slots.acquire('a')
    const served: string[] = []
    void slots.acquire('b').then(() => served.push('b'))
    void slots.acquire('c').then(() => served.push('c'))
    await new Promise(resolve => setImmediate(resolve))
    assert.deepEqual(served, [])
    slots.setSlots(3)
    await new Promise(resolve => setImmediate(resolve))
    assert.deepEqual(served, ['b', 'c'])
    assert.equal(slots.inUse, 3)
  })

  it('says it is over capacity when slots are taken away, until uploads give theirs up', async () => {
    const slots = new UploadSlots(2)
    const a = await slots.acquire('a')
    await slots.acquire('b')
    slots.setSlots(1)
    assert.equal(slots.overCapacity, true)
    // a gives its slot up and queues again: behind nobody, but there is no free slot
    a()
    assert.equal(slots.overCapacity, false)
    let again = false
    void slots.acquire('a').then(() => { again = true })
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(again, false)
    assert.throws(() => { slots.setSlots(0) }, /at least one/)
  })
})
