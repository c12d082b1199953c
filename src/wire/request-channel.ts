// The client side of every arkshare protocol: one stream carrying many request/reply exchanges.
// Requests may be pipelined (send several, then receive the replies in order); `request()` does
// one exchange at a time for callers that share the channel.
import { ArkshareRemoteError, isErrorStatus, normaliseError, type Status } from './errors.js'
import { MessageReader, writeMessage, closeStream } from './framing.js'
import type { Stream } from '@libp2p/interface'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

interface StatusReply { status: Status, message: string, retryAfterSeconds?: number }

export interface RequestChannelOptions<Req, Res extends StatusReply> {
  request: { encode: (obj: Req) => Uint8Array }
  response: { codec: () => Codec<Res>, decode: (buf: any, opts?: DecodeOptions<Res>) => Res }
  maxResponseBytes: number
  /** Caps repeated fields when decoding replies from an untrusted remote. */
  decodeOptions?: DecodeOptions<Res>
}

export class RequestChannel<Req, Res extends StatusReply> {
  private readonly reader: MessageReader
  private queue: Promise<unknown> = Promise.resolve()

  constructor (readonly stream: Stream, private readonly options: RequestChannelOptions<Req, Res>) {
    this.reader = new MessageReader(stream, {
      maxMessageBytes: options.maxResponseBytes,
      // pipelined chunk replies may queue up to a few MiB before they are read
      maxBufferBytes: Math.max(16 * 1024 * 1024, options.maxResponseBytes * 2)
    })
  }

  get usable (): boolean {
    return this.stream.status === 'open' && this.stream.writeStatus === 'writable' && this.stream.remoteWriteStatus === 'writable'
  }

  async send (request: Req, signal?: AbortSignal): Promise<void> {
    await writeMessage(this.stream, this.options.request, request, signal)
  }

  /** Reads the next reply; an error status becomes an ArkshareRemoteError. */
  async receive (signal?: AbortSignal): Promise<Res> {
    const reply = await this.reader.read(this.options.response, signal, this.options.decodeOptions)
    if (isErrorStatus(reply.status)) {
      throw new ArkshareRemoteError(reply.status, reply.message, reply.retryAfterSeconds ?? 0)
    }
    return reply
  }

  /** Reads one raw payload frame that follows a reply (fetch chunk data). */
  async receiveFrame (signal?: AbortSignal): Promise<Uint8ArrayList> {
    return await this.reader.readFrame(signal)
  }

  /** One exchange, serialised with any other caller of request() on this channel. */
  async request (request: Req, signal?: AbortSignal): Promise<Res> {
    const run = this.queue.then(async () => {
      await this.send(request, signal)
      return await this.receive(signal)
    })
    this.queue = run.catch(() => {})
    try {
      return await run
    } catch (err) {
      // a failed exchange leaves the stream in an unknown position: never reuse it
      this.abort(normaliseError(err))
      throw normaliseError(err)
    }
  }

  async close (): Promise<void> {
    await closeStream(this.stream, 2_000)
  }

  abort (err: Error): void {
    this.stream.abort(err)
  }
}
