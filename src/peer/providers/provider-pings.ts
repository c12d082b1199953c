// One download's pings: each provider pinged at most once, a few at a time. The download starts
// with the first to answer, and the others are pinged only when it wants another provider (its
// ramp found it idle: worker-pool.ts). Every ping to a provider not yet connected is a dial (TCP,
// Noise, yamux, identify) in the downloader's event loop: a download that one provider keeps busy
// never pays for dialling the rest.
import type { PingRanker } from './ping-ranker.js'
import type { ProviderInfo } from '../../wire/records.js'

export class ProviderPings {
  private readonly pinged = new Set<string>()

  constructor (private readonly ranker: PingRanker, private readonly signal?: AbortSignal) {}

  /**
   * Pings those of `providers` not pinged yet in this download, best known first, one at a time
   * until one answers (PingRanker.measure, 'first'); resolves then, or once none could answer.
   */
  async nearest (providers: ProviderInfo[]): Promise<void> {
    const fresh = providers.filter(p => !this.pinged.has(p.peerId))
    if (fresh.length === 0) return
    for (const peerId of await this.ranker.measure(fresh, this.signal, 'first')) this.pinged.add(peerId)
  }
}
