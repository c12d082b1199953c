// An index's arkshare series, on its node's registry: the catalog's counts and the requests,
// streams and connections it counted (read when scraped), and how long searches took (from its
// request events), and what its meeting point did for peers behind NATs (relay, STUN). Labels are
// outcomes and reasons, never a query or a peer ID.
import { Histogram, type Registry } from 'prom-client'
import { stateGauge, totalCounter, totalsCounter } from './totals.js'
import type { IndexNode } from '../../node/create-node.js'
import type { ArkshareIndexEvents, CatalogStats, RequestOutcome } from '../../index-node/index.js'
import type { Startable } from '@libp2p/interface'

const COUNTS: Array<{ key: keyof CatalogStats, name: string, help: string }> = [
  { key: 'peersOnline', name: 'arkshare_index_peers_online', help: 'Registered peers connected now or within the disconnect grace period' },
  { key: 'peersRegistered', name: 'arkshare_index_peers_registered', help: 'Peers holding a live lease' },
  { key: 'books', name: 'arkshare_index_books', help: 'Distinct books with at least one online provider' },
  { key: 'providers', name: 'arkshare_index_providers', help: 'Listings (peer, book) of online peers' }
]

const OUTCOMES: RequestOutcome[] = ['ok', 'rate_limited', 'invalid', 'error']

export class IndexMetrics implements Startable {
  private readonly searchSeconds: Histogram
  private readonly onRequest: (evt: ArkshareIndexEvents['request']) => void

  constructor (registry: Registry, private readonly node: IndexNode) {
    const index = node.services.index
    for (const { key, name, help } of COUNTS) stateGauge(registry, name, help, () => index.stats()[key])
    const counters = (): ReturnType<typeof index.requestCounters> => index.requestCounters()
    totalsCounter(registry, 'arkshare_index_searches_total', 'Search (and stats) requests, by outcome', 'result', OUTCOMES, () => counters().searches)
    totalsCounter(registry, 'arkshare_index_registrations_total', 'Register requests (put, remove, renew, unregister), by outcome', 'result', OUTCOMES, () => counters().registrations)
    totalsCounter(registry, 'arkshare_index_connections_refused_total', 'Inbound connections refused, by reason', 'reason', ['denied', 'per_ip_limit'], () => {
      const { denied, perIpLimit } = counters().connectionsRefused
      return { denied, per_ip_limit: perIpLimit }
    })
    totalCounter(registry, 'arkshare_index_streams_refused_total', 'Streams refused for going over the open-stream caps', () => counters().streamsRefused)
    const meeting = (): ReturnType<typeof index.meetingPoint> => index.meetingPoint()
    stateGauge(registry, 'arkshare_index_relay_reservations', 'Relay slots held by registered peers now', () => meeting().relay?.reservations ?? 0)
    totalCounter(registry, 'arkshare_index_relay_reservations_refused_total', 'Relay reservations refused (no live registration, or the relay full)', () => meeting().relay?.reservationsRefused ?? 0)
    stateGauge(registry, 'arkshare_index_relay_circuits_open', 'Relayed connections open now', () => meeting().relay?.open ?? 0)
    totalCounter(registry, 'arkshare_index_relay_circuits_refused_total', 'Relayed connections refused: the relay carried its most at once', () => meeting().relay?.circuitsRefused ?? 0)
    totalCounter(registry, 'arkshare_index_relay_bytes_total', 'Bytes relayed, both directions', () => meeting().relay?.bytes ?? 0)
    stateGauge(registry, 'arkshare_index_relay_largest_circuit_bytes', 'The most one relayed connection carried (against its data limit)', () => meeting().relay?.largestCircuitBytes ?? 0)
    totalsCounter(registry, 'arkshare_index_stun_requests_total', 'STUN packets, answered (binding requests) or ignored (anything else, or over an address\'s rate)', 'result', ['answered', 'ignored'], () => ({
      answered: meeting().stun?.answered ?? 0,
      ignored: meeting().stun?.ignored ?? 0
    }))
    this.searchSeconds = new Histogram({ name: 'arkshare_index_search_duration_seconds', help: 'Time to answer a search request', buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1], registers: [registry] })
    this.onRequest = (evt) => { if (evt.detail.protocol === 'search') this.searchSeconds.observe(evt.detail.durationMs / 1000) }
  }

  start (): void {
    this.node.services.index.addEventListener('request', this.onRequest)
  }

  stop (): void {
    this.node.services.index.removeEventListener('request', this.onRequest)
  }
}
