// The index service: a facade over parts that start and stop together: the catalog, a handler per
// protocol (handlers/), the peers' presence (peer-presence.ts), the lease sweep, and the meeting
// point where peers behind NATs find each other (meeting-point/: relay, STUN, AutoNAT).
import { NotStartedError, serviceCapabilities, type Logger, type Startable } from '@libp2p/interface'
import { repeatingTask, type RepeatingTask } from '@libp2p/utils'
import { TypedEventEmitter } from 'main-event'
import { PeerRateLimiter } from '../limits/peer-rate-limiter.js'
import { StreamBudget } from '../limits/stream-budget.js'
import { REGISTER_PROTOCOL, SEARCH_PROTOCOL } from '../wire/protocols.js'
import { Catalog } from './catalog/catalog.js'
import { DEFAULT_TTL_SECONDS, MAX_INBOUND_STREAMS_PER_CONNECTION, MAX_OPEN_STREAMS, MAX_OPEN_STREAMS_PER_ADDRESS, MAX_TTL_SECONDS, MIN_TTL_SECONDS, RELAY_CIRCUIT_DATA_BYTES, RELAY_CIRCUIT_DURATION_MS, RELAY_MAX_CIRCUITS, RELAY_MAX_HOP_STREAMS_PER_CONNECTION, RELAY_MAX_RESERVATIONS, RELAY_RESERVATION_TTL_MS, REGISTRATIONS_PER_MINUTE, SEARCH_CACHE_BYTES, SEARCH_CACHE_ENTRIES, SEARCH_CACHE_TTL_MS, SEARCHES_PER_MINUTE, STUN_REQUESTS_PER_MINUTE, SWEEP_INTERVAL_MS, TEXT_INDEX_SAVE_INTERVAL_MS, TEXT_INDEX_SNAPSHOT_FILE } from './constants.js'
import { RegisterHandler } from './handlers/register.js'
import { SearchHandler } from './handlers/search.js'
import { MeetingPoint, type MeetingPointStats, type RelayLimits } from './meeting-point/meeting-point.js'
import { PeerPresence } from './peer-presence.js'
import { parseQuery } from './query.js'
import { RequestCounters, type IndexCounters, type IndexProtocol, type RefusalReason, type RequestOutcome } from './request-counters.js'
import { SearchCache } from './search-cache.js'
import type { CatalogStats, SearchOptions, SearchPage } from './catalog/types.js'
import type { ArkshareIndex, ArkshareIndexComponents, ArkshareIndexEvents, ArkshareIndexInit } from './index.js'

/** The index opens no register or search streams of its own; libp2p still asks for a cap. */
const MAX_OUTBOUND_STREAMS = 1

function relayLimits (given: Partial<RelayLimits> = {}): RelayLimits {
  return {
    maxReservations: given.maxReservations ?? RELAY_MAX_RESERVATIONS,
    reservationTtlMs: given.reservationTtlMs ?? RELAY_RESERVATION_TTL_MS,
    maxCircuits: given.maxCircuits ?? RELAY_MAX_CIRCUITS,
    circuitDataBytes: given.circuitDataBytes ?? RELAY_CIRCUIT_DATA_BYTES,
    circuitDurationMs: given.circuitDurationMs ?? RELAY_CIRCUIT_DURATION_MS,
    maxHopStreamsPerConnection: given.maxHopStreamsPerConnection ?? RELAY_MAX_HOP_STREAMS_PER_CONNECTION
  }
}

export class ArkshareIndexService extends TypedEventEmitter<ArkshareIndexEvents> implements Startable, ArkshareIndex {
  readonly [Symbol.toStringTag] = 'arkshare-index'
  readonly [serviceCapabilities]: string[] = ['@arkshare/index']

  private readonly log: Logger
  private readonly now: () => number
  private catalogInstance?: Catalog
  /** Replies to recent searches, encoded, kept across requests and streams. */
  private readonly cache: SearchCache<Uint8Array>
  private readonly registerHandler: RegisterHandler
  private readonly searchHandler: SearchHandler
  private readonly presence: PeerPresence
  private readonly sweep: RepeatingTask
  private readonly saveTextIndex: RepeatingTask
  private readonly counters: RequestCounters
  private readonly meeting: MeetingPoint

  constructor (private readonly components: ArkshareIndexComponents, private readonly init: ArkshareIndexInit = {}) {
    super()
    this.log = components.logger.forComponent('arkshare:index')
    this.now = init.now ?? Date.now
    this.cache = new SearchCache<Uint8Array>(SEARCH_CACHE_ENTRIES, SEARCH_CACHE_TTL_MS, this.now, { maxBytes: SEARCH_CACHE_BYTES, sizeOf: reply => reply.byteLength })
    const catalog = (): Catalog => this.catalog
    // one budget for both protocols: a stream of either takes a place
    const streams = new StreamBudget({
      maxOpen: init.maxOpenStreams ?? MAX_OPEN_STREAMS,
      maxOpenPerAddress: init.maxOpenStreamsPerAddress ?? MAX_OPEN_STREAMS_PER_ADDRESS
    })
    this.counters = new RequestCounters(this.now, () => streams.refused)
    const onRequest = (protocol: IndexProtocol, outcome: RequestOutcome, durationMs: number): void => { this.requestEnded(protocol, outcome, durationMs) }
    const shared = { catalog, streams, log: this.log, streamIdleMs: init.streamIdleMs, onRequest }
    this.registerHandler = new RegisterHandler({
      ...shared,
      rateLimiter: new PeerRateLimiter(init.registrationsPerMinute ?? REGISTRATIONS_PER_MINUTE),
      ttl: { default: init.defaultTtlSeconds ?? DEFAULT_TTL_SECONDS, min: init.minTtlSeconds ?? MIN_TTL_SECONDS, max: init.maxTtlSeconds ?? MAX_TTL_SECONDS },
      peerStore: components.peerStore,
      cache: this.cache,
      now: this.now
    })
    this.searchHandler = new SearchHandler({
      ...shared,
      rateLimiter: new PeerRateLimiter(init.searchesPerMinute ?? SEARCHES_PER_MINUTE),
      cache: this.cache,
      relayCounts: () => {
        const relay = this.meeting.stats().relay
        return {
          relayReservations: relay?.reservations ?? 0,
          relayCircuits: relay?.open ?? 0,
          relayedBytes: BigInt(relay?.bytes ?? 0),
          relayLargestCircuitBytes: BigInt(relay?.largestCircuitBytes ?? 0)
        }
      }
    })
    this.presence = new PeerPresence({ events: components.events, peerStore: components.peerStore, connectionManager: components.connectionManager, catalog, cache: this.cache, now: this.now })
    this.sweep = repeatingTask(async () => { await this.sweepExpired() }, init.sweepIntervalMs ?? SWEEP_INTERVAL_MS)
    this.saveTextIndex = repeatingTask(async () => { await this.saveTextIndexSnapshot() }, init.textIndexSaveIntervalMs ?? TEXT_INDEX_SAVE_INTERVAL_MS)
    this.meeting = new MeetingPoint(components, {
      relay: init.relay === false ? false : relayLimits(init.relayLimits),
      stun: init.stun === false ? false : { requestsPerMinute: init.stunRequestsPerMinute ?? STUN_REQUESTS_PER_MINUTE },
      autonat: init.autonat !== false,
      registered: (peer) => (this.catalogInstance?.leaseExpiresAt(peer.toString()) ?? 0) > this.now(),
      log: this.log
    })
  }

  get catalog (): Catalog {
    if (this.catalogInstance == null) throw new NotStartedError('the index service is not started')
    return this.catalogInstance
  }

  async start (): Promise<void> {
    this.catalogInstance = new Catalog({
      path: this.init.dataDir != null ? `${this.init.dataDir}/index.db` : ':memory:',
      textIndexSnapshot: this.init.dataDir != null ? `${this.init.dataDir}/${TEXT_INDEX_SNAPSHOT_FILE}` : undefined,
      now: this.now,
      disconnectGraceMs: this.init.disconnectGraceMs,
      maxBooksPerPeer: this.init.maxBooksPerPeer
    })
    const origin = this.catalogInstance.textIndexOrigin
    this.log('text index %s in %d ms%s', origin.source === 'snapshot' ? 'read from its snapshot' : 'built from the catalog', origin.ms, origin.refused != null ? ` (snapshot not used: ${origin.refused})` : '')
    // pages of a catalog opened before are not this one's
    this.cache.clear()
    const streamLimits = {
      maxInboundStreams: this.init.maxInboundStreams ?? MAX_INBOUND_STREAMS_PER_CONNECTION,
      maxOutboundStreams: MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: true
    }
    await this.components.registrar.handle(REGISTER_PROTOCOL, async (stream, connection) => { await this.registerHandler.handle(stream, connection) }, streamLimits)
    await this.components.registrar.handle(SEARCH_PROTOCOL, async (stream, connection) => { await this.searchHandler.handle(stream, connection) }, streamLimits)
    this.presence.start()
    this.sweep.start()
    this.saveTextIndex.start()
    await this.meeting.start()
  }

  async stop (): Promise<void> {
    await this.meeting.stop()
    this.sweep.stop()
    this.saveTextIndex.stop()
    this.presence.stop()
    await this.components.registrar.unhandle(REGISTER_PROTOCOL)
    await this.components.registrar.unhandle(SEARCH_PROTOCOL)
    await this.saveTextIndexSnapshot()
    this.catalogInstance?.close()
    this.catalogInstance = undefined
  }

  stats (): CatalogStats {
    return this.catalog.stats()
  }

  search (query: string, options: Pick<SearchOptions, 'limit' | 'offset' | 'provider'> = {}): SearchPage {
    return this.catalog.search(query.trim() === '' ? undefined : parseQuery(query), options)
  }

  meetingPoint (): MeetingPointStats {
    return this.meeting.stats()
  }

  requestCounters (): IndexCounters {
    return this.counters.snapshot()
  }

  recordRefusedConnection (reason: RefusalReason): void {
    this.counters.connectionRefused(reason)
  }

  private requestEnded (protocol: IndexProtocol, outcome: RequestOutcome, durationMs: number): void {
    this.counters.request(protocol, outcome)
    // no event made when nobody listens (thousands of searches a second)
    if (this.listenerCount('request') > 0) this.safeDispatchEvent('request', { detail: { protocol, outcome, durationMs } })
  }

  /** Saves the text index when it changed; a failure is logged (the next start rebuilds it). */
  private async saveTextIndexSnapshot (): Promise<void> {
    try {
      const started = performance.now()
      if (await this.catalogInstance?.saveTextIndex() === true) this.log('text index saved in %d ms', Math.round(performance.now() - started))
    } catch (err) {
      this.log.error('saving the text index failed: %e', err)
    }
  }

  private async sweepExpired (): Promise<void> {
    try {
      const removed = await this.catalog.sweepExpiredInSlices()
      if (removed > 0) this.log('swept %d expired registrations', removed)
    } catch (err) {
      // a sweep still slicing as the index stops finds the catalog closed: nothing is lost
      if (this.catalogInstance == null) return
      this.log.error('sweep failed: %e', err)
    }
  }
}
