// The peer's libp2p service: a facade over parts that start and stop together: the serving side
// (the shelf and /arkshare/fetch), the links to every index, the DHT announcer, the provider finder,
// the downloads and the reachability part (being reached behind a NAT). A book ID is parsed here,
// once, and its CID handed down.
import { InvalidParametersError, serviceCapabilities, type Logger, type Startable } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { parseBookId } from '../content/book-id.js'
import { normaliseError } from '../wire/errors.js'
import { peerIdToBytes } from '../wire/records.js'
import { DIAL_TIMEOUT_MS, UPNP } from './constants.js'
import { DhtAnnouncer } from './dht-announcer.js'
import { Downloads } from './downloads.js'
import { IndexLinks } from './index-links/index-links.js'
import { ProviderFinder } from './providers/provider-finder.js'
import { ReachabilityPart, type ReachabilityStatus } from './reachability/reachability.js'
import { ServingSide } from './serving/serving-side.js'
import type { Arkshare, ArkshareComponents, ArkshareEvents, ArkshareInit, GetOptions } from './index.js'
import type { DownloadResult } from './download/index.js'
import type { IndexStatus } from './index-links/index-link.js'
import type { SearchResultEntry, SearchResults } from './index-links/search-results.js'
import type { ShelfEntry } from './serving/shelf.js'
import type { ConnectionKind } from './reachability/connection-kinds.js'
import type { IndexCounts } from './index-links/index-links.js'
import type { Connection } from '@libp2p/interface'

export class ArkshareService extends TypedEventEmitter<ArkshareEvents> implements Startable, Arkshare {
  readonly [Symbol.toStringTag] = 'arkshare'
  readonly [serviceCapabilities]: string[] = ['@arkshare/peer']

  private readonly log: Logger
  private readonly serving: ServingSide
  private readonly indexLinks: IndexLinks
  private readonly announcer?: DhtAnnouncer
  private readonly providers: ProviderFinder
  private readonly downloads: Downloads
  private readonly reach: ReachabilityPart

  constructor (private readonly components: ArkshareComponents, private readonly init: ArkshareInit = {}) {
    super()
    const log = this.log = components.logger.forComponent('arkshare:peer')
    this.serving = new ServingSide(components, { ...init, log })
    this.reach = new ReachabilityPart(components, { upnp: init.upnp ?? UPNP, log })
    this.indexLinks = new IndexLinks(components, {
      addresses: init.indexes ?? [],
      // a peer that shares nothing registers nothing
      books: this.serving.sharing ? this.serving : undefined,
      ttlSeconds: init.ttlSeconds,
      reachability: () => {
        const now = this.reach.reachability()
        return now === 'local' ? 'unknown' : now
      },
      log
    })
    if (init.dht === true) this.announcer = new DhtAnnouncer(components, { books: this.serving, log })
    this.providers = new ProviderFinder(components, { indexes: this.indexLinks, dht: init.dht === true, badPeerMs: init.badPeerMs })
    this.downloads = new Downloads(components, { ...init, log }, {
      providers: this.providers,
      serving: this.serving,
      paths: { kindOf: (connection) => this.reach.connectionKind(connection), reachability: () => this.reach.reachability() }
    })
    this.reach.addEventListener('change', (evt) => {
      this.indexLinks.reachabilityChanged()
      this.safeDispatchEvent('reachability:change', { detail: evt.detail })
    })
    // each registration (and renewal) is when the reachability part checks its NAT and relay slot there
    this.indexLinks.addEventListener('registered', (evt) => {
      this.reach.registered(evt.detail).catch((err) => { log.error('reachability: %e', err) })
    })
    this.serving.addEventListener('change', (evt) => {
      const { added, removed } = evt.detail
      this.safeDispatchEvent('shelf:change', { detail: { added: added.length, removed: removed.length, total: this.serving.list().length } })
    })
  }

  /** In order: the announcer hears the shelf's first scan, and the index links register what it found. */
  async start (): Promise<void> {
    this.announcer?.start()
    await this.reach.start()
    await this.serving.start()
    this.dialBootstrapPeers()
    this.indexLinks.start()
  }

  /** Unregisters while the connections are still up (libp2p stops components together after this). */
  async beforeStop (): Promise<void> {
    this.announcer?.stop()
    await this.indexLinks.stop()
  }

  async stop (): Promise<void> {
    await this.serving.stop()
    await this.reach.stop()
  }

  reachability (): ReachabilityStatus {
    return this.reach.status()
  }

  connectionKind (connection: Connection): ConnectionKind {
    return this.reach.connectionKind(connection)
  }

  private dialBootstrapPeers (): void {
    for (const addr of this.init.bootstrap ?? []) {
      this.components.connectionManager.openConnection(multiaddr(addr), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) }).catch((err) => {
        this.log('bootstrap %s unreachable: %s', addr, normaliseError(err).message)
      })
    }
  }

  list (): ShelfEntry[] {
    return this.serving.list()
  }

  indexes (): IndexStatus[] {
    return this.indexLinks.status()
  }

  async indexStats (options: { signal?: AbortSignal } = {}): Promise<Array<{ index: string, stats?: IndexCounts, error?: string }>> {
    return await this.indexLinks.stats(options.signal)
  }

  async rescan (): Promise<void> {
    await this.serving.rescan()
  }

  /**
   * Searches every index. With `measure`, the providers of the first results are pinged first
   * (at most 16, 2 s), so their latency shows; otherwise only latencies measured earlier do.
   */
  async search (query: string, options: { limit?: number, offset?: number, signal?: AbortSignal, measure?: boolean } = {}): Promise<SearchResults> {
    const results = await this.indexLinks.search({ query, limit: options.limit ?? 0, offset: options.offset ?? 0 }, options.signal)
    if (options.measure === true) await this.providers.ranker.measureResults(results, options.signal)
    this.providers.ranker.showLatency(results)
    return results
  }

  async browse (peerId: string, options: { limit?: number, offset?: number, signal?: AbortSignal } = {}): Promise<SearchResults> {
    let provider: Uint8Array<ArrayBuffer>
    try {
      provider = peerIdToBytes(peerId.trim())
    } catch {
      throw new InvalidParametersError(`not a peer ID: ${JSON.stringify(peerId)}`)
    }
    return await this.indexLinks.search({ provider, limit: options.limit ?? 0, offset: options.offset ?? 0 }, options.signal)
  }

  async findProviders (id: string, options: { signal?: AbortSignal } = {}): Promise<SearchResultEntry | undefined> {
    return await this.providers.fromIndexes(parseBookId(id), options.signal)
  }

  async get (id: string, options: GetOptions = {}): Promise<DownloadResult> {
    const result = await this.downloads.get(parseBookId(id), {
      ...options,
      onProgress: (progress) => {
        options.onProgress?.(progress)
        this.safeDispatchEvent('download:progress', { detail: progress })
      }
    })
    this.safeDispatchEvent('download:done', { detail: result })
    return result
  }
}
