// An index's arkshare series, on its node's registry: the catalog's counts and the requests,
// streams and connections it counted (read when scraped), and how long searches took (from its
// request events). Labels are outcomes and reasons, never a query or a peer ID.
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
