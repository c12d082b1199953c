import assert from 'node:assert/strict'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { LengthPrefixedDecoder, multiaddrConnectionPair } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import type { MessageStream } from '@libp2p/interface'
import { mulberry32 } from '../../../scripts/prng.js'
import { NOISE_OPTIONS } from '../../../src/node/noise-crypto.js'
import { arkshareNoise, frameLength, ONE_WRITE_UP_TO_BYTES, oneWritePerMessage, quietFrameLengths } from '../../../src/node/noise-encrypter.js'

type Factory = ReturnType<typeof noise>
type LengthReader = (data: Uint8ArrayList | Uint8Array) => number

/** Two ends of one connection secured by `factory`: [dialer's, listener's]. */
async function securePair (factory: Factory): Promise<[MessageStream, MessageStream]> {
  const components = async (): Promise<Parameters<Factory>[0]> => {
    const privateKey = await generateKeyPair('Ed25519')
    return { privateKey, peerId: peerIdFromPrivateKey(privateKey), logger: defaultLogger(), upgrader: { getStreamMuxers: () => new Map() } as any }
  }
  const [dialing, listening] = [await components(), await components()]
  const [outbound, inbound] = multiaddrConnectionPair()
  const [a, b] = await Promise.all([
    factory(dialing).secureOutbound(outbound, { remotePeer: listening.peerId, skipStreamMuxerNegotiation: true }),
    factory(listening).secureInbound(inbound, { skipStreamMuxerNegotiation: true })
  ])
  return [a.connection, b.connection]
}

const readerOf = (connection: MessageStream): LengthReader => (connection as unknown as { decoder: { lengthDecoder: LengthReader } }).decoder.lengthDecoder

/** Every byte `to` receives, until it holds `bytes`. */
async function received (to: MessageStream, bytes: number): Promise<Uint8Array> {
  const got = new Uint8ArrayList()
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`received ${got.byteLength} of ${bytes} bytes`)) }, 10_000)
    to.addEventListener('message', (evt) => {
      got.append(evt.data)
      if (got.byteLength >= bytes) { clearTimeout(timer); resolve(got.subarray()) }
    })
  })
}

/** Frames of random sizes (empty ones too), encoded as Noise frames them. */
function frames (count: number, random: () => number): { frames: Uint8Array[], stream: Uint8Array } {
  const list: Uint8Array[] = []
  const stream = new Uint8ArrayList()
  for (let i = 0; i < count; i++) {
    const size = random() < 0.1 ? 0 : Math.floor(random() ** 3 * 5_000)
    const frame = Uint8Array.from({ length: size }, () => Math.floor(random() * 256))
    list.push(frame)
    stream.append(Uint8Array.of(size >> 8, size & 0xff), frame)
  }
  return { frames: list, stream: stream.subarray() }
}

/** What a decoder with `reader` yields from `stream` cut into random chunks (1 byte to 3 KB). */
function decodeInChunks (reader: LengthReader, stream: Uint8Array, random: () => number): Uint8Array[] {
  const decoder = new LengthPrefixedDecoder({ lengthDecoder: reader, maxBufferSize: 16 * 1024 * 1024, encodingLength: () => 2 })
  const out: Uint8Array[] = []
  for (let at = 0; at < stream.byteLength;) {
    const size = random() < 0.3 ? 1 : 1 + Math.floor(random() * 3_000)
    for (const frame of decoder.decode(stream.subarray(at, at + size))) out.push(frame.subarray())
    at += size
  }
  return out
}

describe('Noise encrypter: frame lengths read without an exception, small messages written at once', () => {
  let libraryReader: LengthReader

  before(async () => {
    const [a] = await securePair(noise(NOISE_OPTIONS))
    libraryReader = readerOf(a)
    a.abort(new Error('done'))
  })

  it('finds the library reader it was written for in a connection the library secured', () => {
    assert.equal(libraryReader.name, 'uint16BEDecode')
    assert.throws(() => libraryReader(new Uint8ArrayList(Uint8Array.of(7))), RangeError)
  })

  it('reads every length as the library does, arrays and lists, and 0 from under two bytes', () => {
    const random = mulberry32(7)
    for (let i = 0; i < 500; i++) {
      const bytes = Uint8Array.from({ length: 2 + Math.floor(random() * 4) }, () => Math.floor(random() * 256))
      const cut = 1 + Math.floor(random() * (bytes.length - 1))
      const list = new Uint8ArrayList(bytes.subarray(0, 1), bytes.subarray(1, cut), bytes.subarray(cut))
      assert.equal(frameLength(bytes), libraryReader(bytes))
      assert.equal(frameLength(list), libraryReader(list))
    }
    assert.equal(frameLength(new Uint8ArrayList()), 0)
    assert.equal(frameLength(Uint8Array.of(200)), 0)
  })

  it('makes the length-prefixed decoder yield exactly the frames it yields with the library reader', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { frames: sent, stream } = frames(200, mulberry32(seed))
      const ours = decodeInChunks(frameLength, stream, mulberry32(seed * 31))
      const theirs = decodeInChunks(libraryReader, stream, mulberry32(seed * 31))
      assert.deepEqual(ours, theirs)
      assert.deepEqual(ours, sent.filter(f => f.byteLength > 0)) // the decoder drops empty frames
    }
  })

  it('secures connections whose decoders read lengths quietly, and carries bytes both ways intact', async () => {
    const [a, b] = await securePair(arkshareNoise())
    assert.equal(readerOf(a), frameLength)
    assert.equal(readerOf(b), frameLength)
    const random = mulberry32(3)
    for (const [from, to] of [[a, b], [b, a]]) {
      const pieces = Array.from({ length: 300 }, () => Uint8Array.from({ length: 1 + Math.floor(random() ** 2 * 70_000) }, () => Math.floor(random() * 256)))
      const total = pieces.reduce((n, p) => n + p.byteLength, 0)
      const arrived = received(to, total)
      for (const piece of pieces) {
        if (!from.send(piece)) await from.onDrain()
      }
      assert.deepEqual(await arrived, new Uint8ArrayList(...pieces).subarray())
    }
    a.abort(new Error('done'))
  })

  it('hands the transport each send of up to 64 KiB as one buffer (one socket write), larger ones as the library does', async () => {
    const [a, b] = await securePair(arkshareNoise())
    const transport = (a as unknown as { stream: { send: (data: Uint8Array | Uint8ArrayList) => boolean } }).stream
    const handed: Array<{ buffers: number, bytes: number }> = []
    const send = transport.send.bind(transport)
    transport.send = (data) => {
      handed.push({ buffers: data instanceof Uint8Array ? 1 : [...data].length, bytes: data.byteLength })
      return send(data)
    }
    const sizes = [1, 1_000, ONE_WRITE_UP_TO_BYTES - 2 - 16, 200_000]
    const arrived = received(b, sizes.reduce((n, s) => n + s, 0))
    for (const size of sizes) a.send(new Uint8Array(size).fill(size % 256))
    await arrived
    assert.deepEqual(handed.slice(0, 3).map(h => h.buffers), [1, 1, 1])
    assert.equal(handed[2].bytes, ONE_WRITE_UP_TO_BYTES)
    assert.ok(handed[3].buffers > 1, 'a large send stays a list (no copy of bulk data)')
    a.abort(new Error('done'))
  })

  it('leaves anything else alone', () => {
    assert.equal(oneWritePerMessage({ encrypt: 5 }), false)
    assert.equal(oneWritePerMessage(null), false)
    const other = { decoder: { lengthDecoder: function readLength () { return 1 } } }
    assert.equal(quietFrameLengths(other), false)
    assert.equal(other.decoder.lengthDecoder.name, 'readLength')
    assert.equal(quietFrameLengths({}), false)
    assert.equal(quietFrameLengths(null), false)
  })
})
