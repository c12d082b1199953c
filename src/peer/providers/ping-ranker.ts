// Ranks providers by what this peer measured of them (peer-stats.ts: throughput from downloads,
// round-trip time from libp2p ping), pinging them first when asked, and shows those latencies.
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_PINGED_PROVIDERS, PING_STAGGER_MS, PING_TIMEOUT_MS } from '../constants.js'
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

export interface PingRankerInit {
  /**
   * In `'first'` mode, how long one ping has to answer before the next provider is pinged too.
   *
   * @default PING_STAGGER_MS
   */
  staggerMs?: number
}

export class PingRanker {
  readonly stats = new PeerStats()
  private readonly staggerMs: number

  constructor (private readonly components: PingRankerComponents, init: PingRankerInit = {}) {
    this.staggerMs = init.staggerMs ?? PING_STAGGER_MS
  }

  /**
   * Pings providers (bounded in number and time) so the fastest are tried first, and returns the
   * peers it pinged. A provider behind a symmetric NAT is pinged only over a direct connection we
   * have: a new one could only go through its relay (after a WebRTC attempt that cannot cross its
   * NAT), and measure the relay.
   * `'all'` pings them all at once and waits for every answer. `'first'` pings them best known
   * first, one at a time: the next when the one before failed or has not answered within
   * `staggerMs`, and none after the first answer, which it returns on (the pings already started go
   * on in the background). Every ping is a dial (TCP, Noise, yamux, identify) in this event loop;
   * a provider that answers quickly is near enough to start with, and the others are left for when
   * the download wants more.
   */
  async measure (providers: ProviderInfo[], signal?: AbortSignal, wait: 'all' | 'first' = 'all'): Promise<string[]> {
    let ping: Ping | undefined
    // libp2p's components throw for a service the node does not have
    try { ping = this.components.ping } catch { return [] }
    if (ping == null) return []
    const pinger = ping
    const bounded = providers.slice(0, MAX_PINGED_PROVIDERS)
    if (wait === 'all') {
      await Promise.all(bounded.map(async p => await this.pingOne(pinger, p, signal)))
      return bounded.map(p => p.peerId)
    }
    return await this.untilOneAnswers(pinger, this.rank(bounded), signal)
  }

  /** Pings `providers` in order, staggered, until one answers or all failed; returns those pinged. */
  private async untilOneAnswers (pinger: Ping, providers: ProviderInfo[], signal?: AbortSignal): Promise<string[]> {
    const pinged: string[] = []
    await new Promise<void>(resolve => {
      let running = 0
      let answered = false
      let stagger: NodeJS.Timeout | undefined
      const next = (): void => {
        clearTimeout(stagger)
        if (answered) return
        const provider = pinged.length < providers.length && signal?.aborted !== true ? providers[pinged.length] : undefined
        if (provider == null) {
          if (running === 0) resolve()
          return
        }
        pinged.push(provider.peerId)
        running++
        stagger = setTimeout(next, this.staggerMs)
        void this.pingOne(pinger, provider, signal).then(ok => {
          running--
          if (ok && !answered) {
            answered = true
            clearTimeout(stagger)
            resolve()
          } else next()
        })
      }
      next()
    })
    return pinged
  }

  /** Whether the provider answered; its round-trip time is recorded when it did. */
  private async pingOne (pinger: Ping, p: ProviderInfo, signal?: AbortSignal): Promise<boolean> {
    try {
      const peerId = peerIdFromString(p.peerId)
      if (p.reachability === 'relay-only' && !this.components.connectionManager.getConnections(peerId).some(c => c.limits == null)) return false
      if (p.multiaddrs.length > 0) await this.components.peerStore.merge(peerId, { multiaddrs: p.multiaddrs.map(a => multiaddr(a)) })
      const rtt = await pinger.ping(peerId, { signal: deadline(PING_TIMEOUT_MS, signal) })
      this.stats.recordRtt(p.peerId, rtt)
      return true
    } catch { return false /* unreachable now: ranked last */ }
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
