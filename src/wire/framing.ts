// Writing length-prefixed frames on libp2p 3 streams, and ending streams, for every protocol on
// both sides (reading is frame-reader.ts). Writes go through sendBounded, which keeps at most
// WRITE_BUFFER_LIMIT bytes queued: libp2p's drain handling alone can let the write buffer grow
// (onDrain() resolves once per stream, and 'drain' is dispatched to streams still out of window).
import { varint } from 'multiformats'
import { Uint8ArrayList } from 'uint8arraylist'
import { nextEvent } from './next-event.js'
import type { Stream } from '@libp2p/interface'

const WRITE_BUFFER_LIMIT = 1024 * 1024

export function frame (payload: Uint8Array | Uint8ArrayList): Uint8ArrayList {
  const prefix = new Uint8Array(varint.encodingLength(payload.byteLength))
  varint.encodeTo(payload.byteLength, prefix)
  return new Uint8ArrayList(prefix, payload)
}

/** Sends bytes, first waiting (bounded by `signal`) while the stream already holds too much unsent data. */
export async function sendBounded (stream: Stream, data: Uint8Array | Uint8ArrayList, signal?: AbortSignal): Promise<void> {
  while (stream.writeBufferLength > WRITE_BUFFER_LIMIT || stream.writableNeedsDrain) {
    if (stream.writeStatus !== 'writable') throw new Error(`stream is ${stream.writeStatus}`)
    await nextEvent(stream, ['drain', 'idle', 'close'], signal)
  }
  signal?.throwIfAborted()
  stream.send(data)
}

/** Each payload in its own length-prefixed frame (fetch chunk data after a reply), a batch in one list. */
export async function * framed (batches: AsyncIterable<Uint8Array[]>): AsyncGenerator<Uint8ArrayList> {
  for await (const batch of batches) {
    const frames = new Uint8ArrayList()
    for (const payload of batch) frames.append(frame(payload))
    yield frames
  }
}

/** A pipeline's sink: sends what it is given, one piece at a time, through sendBounded. */
export function sendTo (stream: Stream, signal?: AbortSignal): (source: AsyncIterable<Uint8Array | Uint8ArrayList>) => Promise<void> {
  return async (source) => {
    for await (const data of source) await sendBounded(stream, data, signal)
  }
}

export async function writeMessage<T> (stream: Stream, codec: { encode: (obj: T) => Uint8Array }, message: T, signal?: AbortSignal): Promise<void> {
  await sendBounded(stream, frame(codec.encode(message)), signal)
}

/**
 * Closes our side politely and stops reading. A server also waits for the remote to close its side
 * (`awaitRemote`) and resets the stream when it has not within `timeoutMs`, so an ended exchange never
 * holds a stream or its bytes; a client that is done just leaves (the server closes once it sees the end).
 */
export async function closeStream (stream: Stream, options: { timeoutMs?: number, awaitRemote?: boolean } = {}): Promise<void> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? 5_000)
  try {
    await stream.close({ signal })
    if (stream.readStatus !== 'closed' && stream.readStatus !== 'closing') await stream.closeRead({ signal })
    if (options.awaitRemote === true && stream.status === 'open' && stream.remoteWriteStatus === 'writable') {
      await nextEvent(stream, ['remoteCloseWrite', 'close'], signal)
    }
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error('close failed'))
  }
}
