import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Stream } from '@libp2p/interface'
import { mulberry32 } from '../../../scripts/prng.js'
import { arkshareYamux, lazyWindowUpdates, YAMUX_OPTIONS } from '../../../src/node/yamux-muxer.js'
import { yamuxPair } from '../../support/stream-pairs.js'

type Factory = ReturnType<typeof yamux>

const nextMessage = async (stream: Stream): Promise<number> => await new Promise(resolve => {
  stream.addEventListener('message', (evt) => { resolve(evt.data.byteLength) }, { once: true })
})

/** `count` exchanges of a 100-byte request and a 1,000-byte reply; the frames each side sent during them. */
async function exchanges (factory: Factory, count: number): Promise<{ outbound: number, inbound: number }> {
  const sent = { outbound: 0, inbound: 0 }
  const [outbound, inbound] = await yamuxPair({ muxers: factory, sent })
  await new Promise(resolve => setTimeout(resolve, 10)) // the opening's frames
  const before = { ...sent }
  for (let i = 0; i < count; i++) {
    const request = nextMessage(inbound)
    outbound.send(new Uint8Array(100))
    assert.equal(await request, 100)
    const reply = nextMessage(outbound)
    inbound.send(new Uint8Array(1000))
    assert.equal(await reply, 1000)
  }
  await new Promise(resolve => setTimeout(resolve, 10))
  outbound.abort(new Error('done'))
  return { outbound: sent.outbound - before.outbound, inbound: sent.inbound - before.inbound }
}

describe('Yamux with window updates once half the window is used', () => {
  it('sends a request and its reply as two frames, where the library alone sends four', async () => {
    const library = await exchanges(() => yamux(YAMUX_OPTIONS)(), 200)
    const ours = await exchanges(arkshareYamux(), 200)
    // the library: each data frame answered by a window update
    assert.ok(library.outbound >= 390 && library.inbound >= 390, JSON.stringify(library))
    // ours: the data frames, and an update once half of the 256 KiB window is used (200 KB in: one)
    assert.ok(ours.outbound >= 200 && ours.outbound <= 203, JSON.stringify(ours))
    assert.ok(ours.inbound >= 200 && ours.inbound <= 203, JSON.stringify(ours))
  })

  it('moves 24 MiB intact to a reader that pauses now and then, the sender never left without window', async () => {
    const [outbound, inbound] = await yamuxPair()
    const random = mulberry32(11)
    const sentHash = createHash('sha256')
    const gotHash = createHash('sha256')
    const total = 24 * 1024 * 1024
    let received = 0
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`stalled at ${received} of ${total} bytes`)) }, 30_000)
      inbound.addEventListener('message', (evt) => {
        gotHash.update(evt.data.subarray())
        received += evt.data.byteLength
        if (received >= total) { clearTimeout(timer); resolve() }
        if (random() < 0.05) {
          inbound.pause()
          setTimeout(() => { inbound.resume() }, 1)
        }
      })
    })
    for (let at = 0; at < total;) {
      const size = Math.min(total - at, 1 + Math.floor(random() * 300_000))
      const chunk = Uint8Array.from({ length: size }, (_, i) => (at + i) % 251)
      sentHash.update(chunk)
      at += size
      if (!outbound.send(chunk)) await outbound.onDrain({ signal: AbortSignal.timeout(30_000) })
    }
    await done
    assert.equal(gotHash.digest('hex'), sentHash.digest('hex'))
    outbound.abort(new Error('done'))
  })

  it('leaves a stream alone that does not keep its window as this was written for', () => {
    const stream = { sendWindowUpdate () {} }
    const original = stream.sendWindowUpdate
    assert.equal(lazyWindowUpdates(stream as any), false)
    assert.equal(stream.sendWindowUpdate, original)
  })
})
