// Ranks providers by what this peer measured of them (peer-stats.ts: throughput from downloads,
// round-trip time from libp2p ping), pinging them first when asked, and shows those latencies.
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_PINGED_PROVIDERS, PING_TIMEOUT_MS } from '../constants.js'
import { PeerStats } from '../peer-stats.js'
import type { SearchResults } from '../index-links/search-results.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { PeerId, PeerStore } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import type { Ping } from '@libp2p/ping'
import { deadline } from '../../limits/deadline.js'

export interface PingRankerComponents {
  peerId: PeerId
  peerStore: PeerStore
  connectionManager: ConnectionManager
  /** The ping service, when the node has one under `services.ping`. */
  ping?: Ping
}

export class PingRanker {
  readonly stats = new PeerStats()

  constructor (private readonly components: PingRankerComponents) {}

  /**
   * Pings providers (bounded in number and time) so the fastest are tried first. A provider behind
   * a symmetric NAT is pinged only over a direct connection we have: a new one could only go
   * through its relay (after a WebRTC attempt that cannot cross its NAT), and measure the relay.
   * With `wait: 'first'` it returns once one answered (the nearest) or none could: the others go on
   * in the background, to rank those a download takes in later, without holding up its start.
   */
  async measure (providers: ProviderInfo[], signal?: AbortSignal, wait: 'all' | 'first' = 'all'): Promise<void> {
    let ping: Ping | undefined
    // libp2p's components throw for a service the node does not have
    try { ping = this.components.ping } catch { return }
    if (ping == null) return
    const pinger = ping
    const answers = providers.slice(0, MAX_PINGED_PROVIDERS).map(async (p): Promise<boolean> => {
      try {
        const peerId = peerIdFromString(p.peerId)
        if (p.reachability === 'relay-only' && !this.components.connectionManager.getConnections(peerId).some(c => c.limits == null)) return false
        if (p.multiaddrs.length > 0) await this.components.peerStore.merge(peerId, { multiaddrs: p.multiaddrs.map(a => multiaddr(a)) })
        const rtt = await pinger.ping(peerId, { signal: deadline(PING_TIMEOUT_MS, signal) })
        this.stats.recordRtt(p.peerId, rtt)
        return true
      } catch { return false /* unreachable now: ranked last */ }
    })
    if (wait === 'all') await Promise.all(answers)
    else await Promise.any(answers.map(async a => { if (!(await a)) throw new Error('no answer') })).catch(() => {})
  }

  /** Pings the providers of search results (other peers, each once). */
  async measureResults (results: SearchResults, signal?: AbortSignal): Promise<void> {
    const unique = new Map(results.results.flatMap(r => r.providers).map(p => [p.peerId, p]))
    const self = this.components.peerId.toString()
    await this.measure([...unique.values()].filter(p => p.peerId !== self), signal)
  }

  /** Best first (see PeerStats.rank). */
  rank<T extends { peerId: string }> (providers: T[]): T[] {
    return this.stats.rank(providers)
  }

  /** Shows the round-trip time measured so far for each provider of the results. */
  showLatency (results: SearchResults): void {
    for (const entry of results.results) {
      for (const p of entry.providers) {
        const rtt = this.stats.get(p.peerId)?.rttMs
        if (rtt != null) p.latencyMs = Math.round(rtt)
      }
    }
  }
}
