// What the index has been asked and what it refused, for its status page and metrics: requests of
// each protocol by outcome, their rate over the last seconds, streams and connections refused.
// Counts only (no query text, no peer IDs), in a fixed amount of memory.
import { Status } from '../wire/errors.js'
import { REQUEST_RATE_WINDOW_SECONDS as RATE_WINDOW_SECONDS } from './constants.js'

/** How a request ended: answered, over its peer's budget, a request the index refuses, or the index's own failure. */
export type RequestOutcome = 'ok' | 'rate_limited' | 'invalid' | 'error'
export type IndexProtocol = 'search' | 'register'
/** Why an inbound connection was refused: the access rules, or the cap on connections from one IP address. */
export type RefusalReason = 'denied' | 'per_ip_limit'

export interface IndexCounters {
  /** Search requests since start, by outcome (a stats request counts as a search). */
  searches: Record<RequestOutcome, number>
  /** Register requests (PUT, REMOVE, RENEW, UNREGISTER) since start, by outcome. */
  registrations: Record<RequestOutcome, number>
  /** Requests a second, averaged over the last REQUEST_RATE_WINDOW_SECONDS. */
  searchesPerSecond: number
  registrationsPerSecond: number
  /** Requests of either protocol refused for going over their peer's budget. */
  rateLimited: number
  /** Streams refused for going over the open-stream caps (in all, or per address). */
  streamsRefused: number
  /** Inbound connections refused, by reason. */
  connectionsRefused: { denied: number, perIpLimit: number }
}

/** Events counted in one-second buckets over the last RATE_WINDOW_SECONDS. */
export class RateMeter {
  private readonly seconds = new Float64Array(RATE_WINDOW_SECONDS).fill(-1)
  private readonly counts = new Uint32Array(RATE_WINDOW_SECONDS)

  constructor (private readonly now: () => number) {}

  record (): void {
    const second = Math.floor(this.now() / 1000)
    const slot = second % RATE_WINDOW_SECONDS
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second
      this.counts[slot] = 0
    }
    this.counts[slot]++
  }

  perSecond (): number {
    const second = Math.floor(this.now() / 1000)
    let total = 0
    for (let i = 0; i < RATE_WINDOW_SECONDS; i++) {
      if (this.seconds[i] > second - RATE_WINDOW_SECONDS && this.seconds[i] <= second) total += this.counts[i]
    }
    return total / RATE_WINDOW_SECONDS
  }
}

/** The outcome a request's error stands for. */
export function outcomeOf (err: unknown): RequestOutcome {
  const status = (err as { status?: Status } | undefined)?.status
  if (status === Status.E_RATE_LIMITED) return 'rate_limited'
  if (status === Status.E_INVALID_REQUEST || status === Status.E_MESSAGE_TOO_LARGE || status === Status.E_INVALID_TTL ||
    status === Status.E_NOT_FOUND || status === Status.E_NOT_AUTHORIZED) return 'invalid'
  return 'error'
}

const zero = (): Record<RequestOutcome, number> => ({ ok: 0, rate_limited: 0, invalid: 0, error: 0 })

export class RequestCounters {
  private readonly outcomes: Record<IndexProtocol, Record<RequestOutcome, number>> = { search: zero(), register: zero() }
  private readonly rates: Record<IndexProtocol, RateMeter>
  private readonly refusedConnections = { denied: 0, perIpLimit: 0 }

  constructor (now: () => number, private readonly streamsRefused: () => number) {
    this.rates = { search: new RateMeter(now), register: new RateMeter(now) }
  }

  request (protocol: IndexProtocol, outcome: RequestOutcome): void {
    this.outcomes[protocol][outcome]++
    this.rates[protocol].record()
  }

  connectionRefused (reason: RefusalReason): void {
    if (reason === 'denied') this.refusedConnections.denied++
    else this.refusedConnections.perIpLimit++
  }

  snapshot (): IndexCounters {
    const { search, register } = this.outcomes
    return {
      searches: { ...search },
      registrations: { ...register },
      searchesPerSecond: this.rates.search.perSecond(),
      registrationsPerSecond: this.rates.register.perSecond(),
      rateLimited: search.rate_limited + register.rate_limited,
      streamsRefused: this.streamsRefused(),
      connectionsRefused: { ...this.refusedConnections }
    }
  }
}
