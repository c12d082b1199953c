// This peer's links to every configured index, started and stopped together: one registration
// kept with each (a `registered` event after each registration and renewal), and every search
// asked of all of them at once, their answers merged.
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { normaliseError } from '../../wire/errors.js'
import { NoIndexError } from '../errors.js'
import { indexDialer, type IndexDialerComponents } from './index-dialer.js'
import { IndexLink, type IndexStatus, type RegisteredHow } from './index-link.js'
import { mergeAnswers, type SearchResults } from './search-results.js'
import type { SharedBooks } from '../serving/shelf.js'
import type { ProviderReachability } from '../../wire/records.js'
import type { IndexStats, SearchRequest } from '../../wire/messages.js'

/** An index's counts (spec 5.3), the byte counts as plain numbers. */
export type IndexCounts = { [K in keyof IndexStats]: number }

function counts (stats: IndexStats): IndexCounts {
  return { ...stats, relayedBytes: Number(stats.relayedBytes), relayLargestCircuitBytes: Number(stats.relayLargestCircuitBytes) }
}
import type { Libp2pEvents, Logger, PeerId, Startable } from '@libp2p/interface'
import type { TypedEventTarget } from 'main-event'

export interface IndexLinksComponents extends IndexDialerComponents {
  events: TypedEventTarget<Libp2pEvents>
}

export interface IndexLinksInit {
  /** Multiaddrs of the indexes. */
  addresses: string[]
  /** The books to register; none = search only. */
  books?: SharedBooks
  /**
   * Lease to ask for, seconds (0 = the index's default).
   *
   * @default DEFAULT_TTL_SECONDS
   */
  ttlSeconds?: number
  /** How others can reach us, told to every index. */
  reachability?: () => ProviderReachability
  log: Logger
}

export interface IndexLinksEvents {
  /** We hold a live registration with this index (after a full or resumed registration, or a renewal). */
  registered: CustomEvent<{ address: Multiaddr, peerId: PeerId, how: RegisteredHow }>
}

export class IndexLinks extends TypedEventEmitter<IndexLinksEvents> implements Startable {
  private links: IndexLink[] = []

  constructor (private readonly components: IndexLinksComponents, private readonly init: IndexLinksInit) {
    super()
    this.onPeerDisconnect = this.onPeerDisconnect.bind(this)
  }

  /** Whether any index is configured (once started). */
  get configured (): boolean {
    return this.links.length > 0
  }

  start (): void {
    const { books, ttlSeconds, reachability, log } = this.init
    // one listing left behind, for every index to check (taken, so it is not kept once they have)
    const previous = books?.takePreviousListing?.()
    this.links = this.init.addresses.map(addr => {
      const address = multiaddr(addr)
      const onRegistered = (peerId: PeerId, how: RegisteredHow): void => { this.safeDispatchEvent('registered', { detail: { address, peerId, how } }) }
      return new IndexLink({ address, dial: indexDialer(this.components, address), books, ttlSeconds, onRegistered, reachability, log })
    })
    this.components.events.addEventListener('peer:disconnect', this.onPeerDisconnect)
    for (const link of this.links) link.start(previous)
  }

  /** Withdraws every registration (run before libp2p closes the connections) and stops. */
  async stop (): Promise<void> {
    this.components.events.removeEventListener('peer:disconnect', this.onPeerDisconnect)
    await Promise.all(this.links.map(async link => { await link.stop() }))
  }

  /** Our reachability changed: every link tells its index. */
  reachabilityChanged (): void {
    for (const link of this.links) link.reachabilityChanged()
  }

  status (): IndexStatus[] {
    return this.links.map(l => l.status())
  }

  /** Asks every index at once and merges their answers. */
  async search (request: Partial<SearchRequest>, signal?: AbortSignal): Promise<SearchResults> {
    this.assertConfigured()
    const outcomes = await Promise.allSettled(this.links.map(async link => await link.search(request, signal)))
    return mergeAnswers(outcomes.map((outcome, i) => ({ index: this.links[i].address.toString(), outcome })))
  }

  /** Counts from every index, or why one could not give them. */
  async stats (signal?: AbortSignal): Promise<Array<{ index: string, stats?: IndexCounts, error?: string }>> {
    this.assertConfigured()
    return await Promise.all(this.links.map(async (link) => {
      try {
        const reply = await link.search({ stats: true }, signal)
        return { index: link.address.toString(), stats: reply.stats == null ? undefined : counts(reply.stats) }
      } catch (err) {
        return { index: link.address.toString(), error: normaliseError(err).message }
      }
    }))
  }

  private assertConfigured (): void {
    if (!this.configured) throw new NoIndexError('no index configured (use --index)')
  }

  private onPeerDisconnect (evt: CustomEvent<PeerId>): void {
    for (const link of this.links) link.peerDisconnected(evt.detail)
  }
}
