// The server side of every arkshare protocol: read a request, answer it, repeat, on one stream.
// One stream carries many exchanges (protocol negotiation per request costs ~10x, see notes).
// Every read is bounded in size and time; any bad input gets an error reply, then the stream closes.
import { InvalidDataLengthError, InvalidDataLengthLengthError, InvalidMessageLengthError } from '@libp2p/utils'
import { MaxLengthError } from 'protons-runtime'
import { RequestError, Status, normaliseError } from './errors.js'
import { closeStream, MessageReader, sendBounded, writeMessage, frame } from './framing.js'
import { LIMITS } from './protocols.js'
import { ipOf, type StreamBudget } from './stream-budget.js'
import type { Stream, Logger } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Codec, DecodeOptions } from 'protons-runtime'

export interface Reply<Res> {
  response: Res
  /** Raw payload frames sent after the response (fetch chunk data), pulled one at a time. */
  frames?: AsyncIterable<Uint8Array>
  /** Close the stream after this reply (e.g. unregister). */
  last?: boolean
}

export interface RequestLoopOptions<Req, Res> {
  stream: Stream
  log: Logger
  request: { codec: () => Codec<Req>, decode: (buf: any, opts?: DecodeOptions<Req>) => Req }
  response: { encode: (obj: Res) => Uint8Array }
  maxRequestBytes: number
  decodeOptions?: DecodeOptions<Req>
  idleTimeoutMs?: number
  maxRequests?: number
  /** The node's budget of open streams; a stream beyond it gets E_UNAVAILABLE and is closed. */
  budget?: { streams: StreamBudget, remote: Multiaddr }
  errorResponse: (status: Status, message: string, retryAfterSeconds: number) => Res
  handle: (request: Req, context: HandlerContext<Res>) => Promise<Reply<Res>>
}

export interface HandlerContext<Res> {
  /** Aborts when the stream closes (a stalled remote is reset by libp2p's inactivity timeout). */
  signal: AbortSignal
  /** Sends an interim reply before the final one (fetch: QUEUED with the queue position). */
  interim: (response: Res) => Promise<void>
}

function isSizeError (err: Error): boolean {
  return err instanceof InvalidDataLengthError || err instanceof InvalidDataLengthLengthError || err instanceof MaxLengthError || err.name === 'MaxLengthError'
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

async function serveStream<Req, Res> (opts: RequestLoopOptions<Req, Res>): Promise<void> {
  const { stream, log } = opts
  const reader = new MessageReader(stream, { maxMessageBytes: opts.maxRequestBytes })
  const idleTimeoutMs = opts.idleTimeoutMs ?? LIMITS.streamIdleMs
  const maxRequests = opts.maxRequests ?? LIMITS.maxRequestsPerStream
  const closed = new AbortController()
  stream.addEventListener('close', () => { closed.abort(new Error('stream closed')) }, { once: true })
  const signal = closed.signal
  const context: HandlerContext<Res> = {
    signal,
    interim: async (response) => { await writeMessage(stream, opts.response, response, signal) }
  }

  for (let served = 0; served < maxRequests; served++) {
    let bytes
    try {
      if (stream.remoteWriteStatus !== 'writable' && stream.readBufferLength === 0) break
      bytes = await reader.readFrame(AbortSignal.timeout(idleTimeoutMs))
    } catch (e) {
      const err = normaliseError(e)
      if (isSizeError(err)) {
        await sendError(opts, new RequestError(Status.E_MESSAGE_TOO_LARGE, err.message))
      } else if (err instanceof InvalidMessageLengthError) {
        await sendError(opts, new RequestError(Status.E_INVALID_REQUEST, err.message))
      } else {
        // EOF between requests is the normal end; a timeout means an idle or trickling client
        if (err.name !== 'UnexpectedEOFError') log('stream ended: %s', err.message)
        await closeStream(stream)
      }
      return
    }

    let request: Req
    try {
      request = opts.request.decode(bytes, opts.decodeOptions)
    } catch (e) {
      const err = normaliseError(e)
      await sendError(opts, new RequestError(isSizeError(err) ? Status.E_MESSAGE_TOO_LARGE : Status.E_INVALID_REQUEST, `malformed message: ${err.message}`))
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
      await writeMessage(stream, opts.response, reply.response, signal)
      if (reply.frames != null) {
        for await (const payload of reply.frames) {
          await sendBounded(stream, frame(payload), signal)
        }
      }
    } catch (e) {
      // the remote went away or stalled while we were answering; nothing more to tell it
      stream.abort(normaliseError(e))
      return
    }
    if (reply.last === true) break
  }
  await closeStream(stream)
}

async function sendError<Req, Res> (opts: RequestLoopOptions<Req, Res>, err: RequestError): Promise<void> {
  opts.log('replying %s: %s', err.status, err.message)
  try {
    await writeMessage(opts.stream, opts.response, opts.errorResponse(err.status, err.message, err.retryAfterSeconds), AbortSignal.timeout(5_000))
  } catch {
    // the remote is gone; closing below is all that is left
  }
  await closeStream(opts.stream)
}
