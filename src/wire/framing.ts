// Length-prefixed protobuf messages on libp2p 3 streams, shared by every protocol on both sides.
// Reading goes through @libp2p/utils' lpStream (with a hard size cap). Writing goes through
// sendBounded, which keeps at most WRITE_BUFFER_LIMIT bytes queued: libp2p's own drain handling
// alone can let the write buffer grow (see ../shared notes: onDrain fires once, drain is spurious).
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { pEvent } from 'p-event'
import { varint } from 'multiformats'
import { Uint8ArrayList } from 'uint8arraylist'
import type { Stream } from '@libp2p/interface'
import type { Codec, DecodeOptions } from 'protons-runtime'

export const WRITE_BUFFER_LIMIT = 1024 * 1024

export function frame (payload: Uint8Array | Uint8ArrayList): Uint8ArrayList {
  const prefix = new Uint8Array(varint.encodingLength(payload.byteLength))
  varint.encodeTo(payload.byteLength, prefix)
  return new Uint8ArrayList(prefix, payload)
}

/** Sends bytes, first waiting (bounded by `signal`) while the stream already holds too much unsent data. */
export async function sendBounded (stream: Stream, data: Uint8Array | Uint8ArrayList, signal?: AbortSignal): Promise<void> {
  while (stream.writeBufferLength > WRITE_BUFFER_LIMIT || stream.writableNeedsDrain) {
    if (stream.writeStatus !== 'writable') throw new Error(`stream is ${stream.writeStatus}`)
    await pEvent(stream, ['drain', 'idle'], { rejectionEvents: ['close'], signal })
  }
  signal?.throwIfAborted()
  stream.send(data)
}

export async function writeMessage<T> (stream: Stream, codec: { encode: (obj: T) => Uint8Array }, message: T, signal?: AbortSignal): Promise<void> {
  await sendBounded(stream, frame(codec.encode(message)), signal)
}

export interface MessageReaderOptions {
  /** Largest frame accepted; a larger length prefix fails the read before any payload is buffered. */
  maxMessageBytes: number
  /** Bytes buffered from the stream before reads consume them (libp2p default 4 MiB). */
  maxBufferBytes?: number
}

/** Reads length-prefixed frames and decodes them with protons codecs, enforcing the size cap. */
export class MessageReader {
  private readonly lp: LengthPrefixedStream<Stream>

  constructor (readonly stream: Stream, options: MessageReaderOptions) {
    this.lp = lpStream(stream, {
      maxDataLength: options.maxMessageBytes,
      maxBufferSize: options.maxBufferBytes ?? Math.max(4 * 1024 * 1024, options.maxMessageBytes * 2)
    })
  }

  async readFrame (signal?: AbortSignal): Promise<Uint8ArrayList> {
    return await this.lp.read({ signal })
  }

  async read<T> (codec: { codec: () => Codec<T>, decode: (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<T>) => T }, signal?: AbortSignal, decodeOptions?: DecodeOptions<T>): Promise<T> {
    return codec.decode(await this.readFrame(signal), decodeOptions)
  }
}

/** Closes our side politely, and resets the stream if the remote does not let it finish in time. */
export async function closeStream (stream: Stream, timeoutMs = 5_000): Promise<void> {
  try {
    await stream.close({ signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error('close failed'))
  }
}
