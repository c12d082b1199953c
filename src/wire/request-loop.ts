// The server side of every arkshare protocol: read a request, answer it, repeat, on one stream.
// One stream carries many exchanges (a protocol negotiation per request costs about ten times more).
// Every read is bounded in size and time; any bad input gets an error reply, then the stream closes.
import { MaxLengthError } from 'protons-runtime'
import { RequestError, Status, normaliseError } from './errors.js'
import { FrameReader, FrameTooLargeError, InvalidLengthPrefixError, TruncatedFrameError } from './frame-reader.js'
import { pipe } from 'it-pipe'
import { closeStream, frame, framed, sendBounded, sendTo, writeMessage } from './framing.js'
import { decodeMessage, type ExchangeSpec } from './messages.js'
import { LIMITS } from './protocols.js'
import { ipOf, type StreamBudget } from '../limits/stream-budget.js'
import type { Stream, Logger } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface Reply<Res> {
  /** The response; or already `encoded` by the handler (a hot path writing its bytes directly). */
  response: Res | { encoded: Uint8Array }
  /**
   * Raw payload frames sent after the response (fetch chunk data), pulled a batch at a time: each
   * payload is its own frame, and a batch goes to the stream in one write.
   */
  frames?: AsyncIterable<Uint8Array[]>
  /** Close the stream after this reply (e.g. unregister). */
  last?: boolean
}

export interface RequestLoopOptions<Req, Res> {
  stream: Stream
  log: Logger
  exchange: ExchangeSpec<Req, Res>
  /** How long the next request may take to arrive in full, from the end of the previous reply. */
  idleTimeoutMs?: number
  maxRequests?: number
  /** The node's budget of open streams; a stream beyond it gets E_UNAVAILABLE and is closed. */
  budget?: { streams: StreamBudget, remote: Multiaddr }
  errorResponse: (status: Status, message: string, retryAfterSeconds: number) => Res
  handle: (request: Req, context: HandlerContext<Res>) => Promise<Reply<Res>>
  /** Hears of a frame refused before it reached `handle` (unreadable, or not a valid request). */
  onRefused?: (status: Status) => void
}

export interface HandlerContext<Res> {
  /** Aborts when the stream closes (a stalled remote is reset by libp2p's inactivity timeout). */
  signal: AbortSignal
  /** Sends an interim reply before the final one (fetch: QUEUED with the queue position). */
  interim: (response: Res) => Promise<void>
}

export async function serveRequests<Req, Res> (opts: RequestLoopOptions<Req, Res>): Promise<void> {
  if (opts.budget == null) { await serveStream(opts); return }
  const { streams, remote } = opts.budget
  const address = ipOf(remote) ?? remote.toString()
  if (!streams.tryOpen(address)) {
    await sendError(opts, new RequestError(Status.E_UNAVAILABLE, `too many open streams (${streams.options.maxOpen} in all, ${streams.options.maxOpenPerAddress} per address)`, 1))
    return
  }
  try {
    await serveStream(opts)
  } finally {
    streams.release(address)
  }
}

/** The reply to a frame that could not be read; undefined when the stream ended, idled or failed. */
function unreadableFrame (err: Error): RequestError | undefined {
  if (err instanceof FrameTooLargeError) return new RequestError(Status.E_MESSAGE_TOO_LARGE, err.message)
  if (err instanceof InvalidLengthPrefixError || err instanceof TruncatedFrameError) return new RequestError(Status.E_INVALID_REQUEST, err.message)
  return undefined
}

/** The reply to a frame that is not a valid request message. */
function undecodableRequest (err: Error): RequestError {
  if (err instanceof MaxLengthError || err.name === 'MaxLengthError') return new RequestError(Status.E_MESSAGE_TOO_LARGE, err.message)
  return new RequestError(Status.E_INVALID_REQUEST, `malformed request: ${err.message}`)
}

async function serveStream<Req, Res> (opts: RequestLoopOptions<Req, Res>): Promise<void> {
  const { stream, log, exchange } = opts
  const reader = new FrameReader(stream, { maxFrameBytes: exchange.request.maxBytes })
  const idleTimeoutMs = opts.idleTimeoutMs ?? LIMITS.streamIdleMs
  const maxRequests = opts.maxRequests ?? LIMITS.maxRequestsPerStream
  const closed = new AbortController()
  stream.addEventListener('close', () => { closed.abort(new Error('stream closed')) }, { once: true })
  const signal = closed.signal
  const context: HandlerContext<Res> = {
    signal,
    interim: async (response) => { await writeMessage(stream, exchange.response.codec, response, signal) }
  }

  try {
    for (let served = 0; served < maxRequests; served++) {
      let bytes
      try {
        bytes = await reader.read(AbortSignal.timeout(idleTimeoutMs))
      } catch (e) {
        const err = normaliseError(e)
        const reply = unreadableFrame(err)
        if (reply != null) {
          reader.detach()
          opts.onRefused?.(reply.status)
          await sendError(opts, reply)
          return
        }
        // an idle or trickling client, or one that went away
        log('stream ended: %s', err.message)
        break
      }
      if (bytes == null) break

      let request: Req
      try {
        request = decodeMessage(exchange.request, bytes)
      } catch (e) {
        const refusal = undecodableRequest(normaliseError(e))
        opts.onRefused?.(refusal.status)
        await sendError(opts, refusal)
        return
      }

      let reply: Reply<Res>
      try {
        reply = await opts.handle(request, context)
      } catch (e) {
        const err = normaliseError(e)
        if (err instanceof RequestError) {
          await sendError(opts, err)
        } else {
          log.error('handler failed: %e', err)
          await sendError(opts, new RequestError(Status.E_INTERNAL_ERROR, 'internal error'))
        }
        return
      }

      try {
        const response = reply.response
        if (isEncoded(response)) await sendBounded(stream, frame(response.encoded), signal)
        else await writeMessage(stream, exchange.response.codec, response, signal)
        // payloads are pulled a batch at a time, as the stream takes them: read from disk, framed, sent
        if (reply.frames != null) await pipe(reply.frames, framed, sendTo(stream, signal))
      } catch (e) {
        // the remote went away or stalled while we were answering; nothing more to tell it
        stream.abort(normaliseError(e))
        return
      }
      if (reply.last === true) break
    }
    await closeStream(stream, { awaitRemote: true })
  } finally {
    reader.detach()
  }
}

async function sendError<Req, Res> (opts: RequestLoopOptions<Req, Res>, err: RequestError): Promise<void> {
  opts.log('replying %s: %s', err.status, err.message)
  try {
    await writeMessage(opts.stream, opts.exchange.response.codec, opts.errorResponse(err.status, err.message, err.retryAfterSeconds), AbortSignal.timeout(5_000))
  } catch {
    // the remote is gone; closing below is all that is left
  }
  await closeStream(opts.stream, { awaitRemote: true })
}

function isEncoded<Res> (response: Res | { encoded: Uint8Array }): response is { encoded: Uint8Array } {
  return typeof response === 'object' && response != null && 'encoded' in response && response.encoded instanceof Uint8Array
}
