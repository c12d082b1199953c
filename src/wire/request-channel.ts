// The client side of every arkshare protocol: one stream carrying many request/reply exchanges.
// Requests may be pipelined (send several, then receive the replies in order); `request()` does
// one exchange at a time for callers that share the channel.
import { ArkshareRemoteError, isErrorStatus, normaliseError, type Status } from './errors.js'
import { FrameReader, TruncatedFrameError } from './frame-reader.js'
import { writeMessage, closeStream } from './framing.js'
import { decodeMessage, type ExchangeSpec } from './messages.js'
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

interface StatusReply { status: Status, message: string, retryAfterSeconds?: number }

export interface RequestChannelOptions {
  /** Unread reply bytes held before the stream is paused (pipelined chunk replies need a few MiB). */
  highWaterBytes?: number
}

export class RequestChannel<Req, Res extends StatusReply> {
  private readonly reader: FrameReader
  private queue: Promise<unknown> = Promise.resolve()

  constructor (readonly stream: Stream, private readonly exchange: ExchangeSpec<Req, Res>, options: RequestChannelOptions = {}) {
    this.reader = new FrameReader(stream, { maxFrameBytes: exchange.response.maxBytes, highWaterBytes: options.highWaterBytes })
  }

  get usable (): boolean {
    return this.stream.status === 'open' && this.stream.writeStatus === 'writable' && this.stream.remoteWriteStatus === 'writable'
  }

  async send (request: Req, signal?: AbortSignal): Promise<void> {
    await writeMessage(this.stream, this.exchange.request.codec, request, signal)
  }

  /** Reads the next reply; an error status becomes an ArkshareRemoteError. */
  async receive (signal?: AbortSignal): Promise<Res> {
    const reply = decodeMessage(this.exchange.response, await this.receiveFrame(signal))
    if (isErrorStatus(reply.status)) {
      throw new ArkshareRemoteError(reply.status, reply.message, reply.retryAfterSeconds ?? 0)
    }
    return reply
  }

  /** Reads one raw frame (a reply, or a payload frame of at most `maxBytes` that follows one). */
  async receiveFrame (signal?: AbortSignal, maxBytes?: number): Promise<Uint8ArrayList> {
    const frame = await this.reader.read(signal, maxBytes)
    if (frame == null) throw new TruncatedFrameError('the remote closed the stream before replying')
    return frame
  }

  /** One exchange, serialised with any other caller of request() on this channel. */
  async request (request: Req, signal?: AbortSignal): Promise<Res> {
    const run = this.queue.then(async () => {
      try {
        await this.send(request, signal)
      } catch (err) {
        // a server may refuse a stream before we write (E_UNAVAILABLE as its first message, then
        // closed): its reply says why better than the closed stream does
        if (this.reader.bufferedBytes > 0) return await this.receive(signal)
        throw err
      }
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
    this.reader.detach()
    await closeStream(this.stream, { timeoutMs: 2_000 })
  }

  abort (err: Error): void {
    this.reader.detach()
    this.stream.abort(err)
  }
}
