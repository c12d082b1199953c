// What the index's two protocols share: every stream is served by the request loop within the
// index's stream budget and idle timeout, and every request is first charged to its peer's rate.
import { bookIdTextOf } from '../../content/book-id.js'
import { RequestError, Status } from '../../wire/errors.js'
import { serveRequests, type Reply } from '../../wire/request-loop.js'
import { outcomeOf, type IndexProtocol, type RequestOutcome } from '../request-counters.js'
import type { Catalog } from '../catalog/catalog.js'
import type { ExchangeSpec } from '../../wire/messages.js'
import type { PeerRateLimiter } from '../../limits/peer-rate-limiter.js'
import type { StreamBudget } from '../../limits/stream-budget.js'
import type { Connection, Logger, Stream } from '@libp2p/interface'

export interface HandlerInit {
  /** The open catalog; throws NotStartedError while the service is stopped. */
  catalog: () => Catalog
  /** This protocol's per-peer request budget. */
  rateLimiter: PeerRateLimiter
  /** Register and search streams served at once: one budget for both protocols. */
  streams: StreamBudget
  log: Logger
  /**
   * How long a stream may wait for (or trickle) its next request, ms.
   *
   * @default LIMITS.streamIdleMs
   */
  streamIdleMs?: number
  /** Hears how every request ended and how long answering it took (refused frames count as invalid). */
  onRequest?: (protocol: IndexProtocol, outcome: RequestOutcome, durationMs: number) => void
}

/** What a handler reads of a stream's connection. */
export type StreamOrigin = Pick<Connection, 'remotePeer' | 'remoteAddr'>

export interface IndexStream<Req, Res> {
  protocol: IndexProtocol
  exchange: ExchangeSpec<Req, Res>
  errorResponse: (status: Status, message: string, retryAfterSeconds: number) => Res
  /** Answers one request that its peer's rate allowed. */
  answer: (request: Req) => Promise<Reply<Res>>
}

/** Serves one stream of an index protocol until it closes. */
export async function serveIndexStream<Req, Res> (init: HandlerInit, stream: Stream, connection: StreamOrigin, protocol: IndexStream<Req, Res>): Promise<void> {
  const peer = connection.remotePeer.toString()
  await serveRequests<Req, Res>({
    stream,
    budget: { streams: init.streams, remote: connection.remoteAddr },
    log: init.log,
    exchange: protocol.exchange,
    idleTimeoutMs: init.streamIdleMs,
    errorResponse: protocol.errorResponse,
    onRefused: () => { init.onRequest?.(protocol.protocol, 'invalid', 0) },
    handle: async (request) => {
      const started = performance.now()
      try {
        const wait = init.rateLimiter.check(peer)
        if (wait > 0) throw new RequestError(Status.E_RATE_LIMITED, `rate limited, retry after ${wait} s`, wait)
        const reply = await protocol.answer(request)
        init.onRequest?.(protocol.protocol, 'ok', performance.now() - started)
        return reply
      } catch (err) {
        init.onRequest?.(protocol.protocol, outcomeOf(err), performance.now() - started)
        throw err
      }
    }
  })
}

/** A book ID from a request, canonical; E_INVALID_REQUEST when it is not one. */
export function requestedBookId (bytes: Uint8Array): string {
  try {
    return bookIdTextOf(bytes)
  } catch (err) {
    throw new RequestError(Status.E_INVALID_REQUEST, (err as Error).message)
  }
}
