// The frame reader over an in-memory stream pair: the length-prefix rules of spec section 2, and
// the bound on what it holds while its reader is slow.
import assert from 'node:assert/strict'
import { FrameReader, FrameTooLargeError, InvalidLengthPrefixError, TruncatedFrameError } from '../../../src/wire/frame-reader.js'
import { frame, sendBounded } from '../../../src/wire/framing.js'
import { YAMUX_OPTIONS } from '../../../src/node/yamux-muxer.js'
import { streamPair, yamuxPair } from '../../support/stream-pairs.js'
import type { Stream } from '@libp2p/interface'

describe('frame reader', () => {
  let client: Stream
  let server: Stream
  beforeEach(async () => { [client, server] = await streamPair() })
  afterEach(() => { client.abort(new Error('done')); server.abort(new Error('done')) })

  const read = async (reader: FrameReader, max?: number): Promise<number[] | undefined> => {
    const got = await reader.read(AbortSignal.timeout(2_000), max)
    return got == null ? undefined : [...got.subarray()]
  }

  it('reads frames split anywhere, and ends cleanly between frames', async () => {
    const reader = new FrameReader(server, { maxFrameBytes: 300 })
    const bytes = new Uint8Array([...frame(new Uint8Array(300).fill(7)).subarray(), ...frame(Uint8Array.from([1, 2])).subarray(), 0x00])
    // pieces that end inside the first prefix, inside the first payload, and inside the second prefix
    const cuts = [0, 1, 2, 150, 303, bytes.byteLength]
    for (let i = 1; i < cuts.length; i++) client.send(bytes.subarray(cuts[i - 1], cuts[i]))
    await client.close()
    assert.equal((await read(reader))?.length, 300)
    assert.deepEqual(await read(reader), [1, 2])
    assert.deepEqual(await read(reader), [], 'an empty frame')
    assert.equal(await read(reader), undefined)
  })

  it('refuses a prefix as soon as it is longer than the limit needs, without waiting for it to end', async () => {
    const reader = new FrameReader(server, { maxFrameBytes: 4096 })
    // the third 0xff settles it: 4096 needs two bytes; more never come
    client.send(Uint8Array.from([0xff, 0xff, 0xff]))
    await assert.rejects(read(reader), FrameTooLargeError)
    await assert.rejects(read(reader), FrameTooLargeError, 'the reader stays failed')
  })

  it('refuses an announced length over the limit, or over a smaller limit for one read', async () => {
    const reader = new FrameReader(server, { maxFrameBytes: 4096 })
    client.send(Uint8Array.from([0x81, 0x20]))
    await assert.rejects(read(reader), /4097 bytes exceeds the limit of 4096/)
    const [c2, s2] = await streamPair()
    const payloads = new FrameReader(s2, { maxFrameBytes: 4096 })
    c2.send(frame(new Uint8Array(101)))
    await assert.rejects(payloads.read(AbortSignal.timeout(2_000), 100), FrameTooLargeError)
    c2.abort(new Error('done'))
  })

  it('refuses a padded prefix and a frame cut short', async () => {
    const reader = new FrameReader(server, { maxFrameBytes: 4096 })
    client.send(Uint8Array.from([0x85, 0x00]))
    await assert.rejects(read(reader), InvalidLengthPrefixError)
    const [c2, s2] = await streamPair()
    const cut = new FrameReader(s2, { maxFrameBytes: 4096 })
    c2.send(Uint8Array.from([10, 1, 2, 3]))
    await c2.close()
    await assert.rejects(cut.read(AbortSignal.timeout(2_000)), TruncatedFrameError)
  })

  it('hands over a frame that arrived before the stream was reset', async () => {
    const reader = new FrameReader(server, { maxFrameBytes: 4096 })
    client.send(frame(Uint8Array.from([9, 9])))
    await new Promise(resolve => setTimeout(resolve, 50))
    client.abort(new Error('gone'))
    await new Promise(resolve => setTimeout(resolve, 50))
    assert.deepEqual(await read(reader), [9, 9])
    await assert.rejects(read(reader))
  })

  it('holds a slow reader\'s sender back (the paused stream stops yamux window updates), and loses nothing', async () => {
    [client, server] = await yamuxPair()
    const frames = 400
    const reader = new FrameReader(server, { maxFrameBytes: 16 * 1024 })
    let sent = 0
    let most = 0
    const sending = (async () => {
      for (let i = 0; i < frames; i++) {
        await sendBounded(client, frame(new Uint8Array(16 * 1024).fill(i & 0xff)), AbortSignal.timeout(10_000))
        sent++
      }
      await client.close()
    })()
    let sentWhenTwentyRead = 0
    for (let i = 0; i < frames; i++) {
      await new Promise(resolve => setTimeout(resolve, i < 20 ? 20 : 0))
      const got = await reader.read(AbortSignal.timeout(10_000))
      assert.equal(got?.byteLength, 16 * 1024)
      assert.equal(got?.get(0), i & 0xff)
      most = Math.max(most, reader.bufferedBytes)
      if (i === 19) sentWhenTwentyRead = sent
    }
    await sending
    assert.equal(await reader.read(AbortSignal.timeout(2_000)), undefined)
    // 6.4 MiB would all be sent in a moment if nothing held the sender back
    assert.ok(sentWhenTwentyRead < frames - 50, `the sender had sent ${sentWhenTwentyRead} of ${frames} frames after 400 ms`)
    // what the reader holds: its high-water mark plus what the yamux window let through (4 MiB at most)
    assert.ok(most <= 16 * 1024 + 3 + YAMUX_OPTIONS.streamOptions.maxStreamWindowSize, `held ${most} bytes`)
  })
})
