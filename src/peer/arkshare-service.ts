// The peer's libp2p service: a facade over parts that start and stop together: the serving side
// (the shelf and /arkshare/fetch), the links to every index, the DHT announcer, the provider finder,
// the downloads and the reachability part (being reached behind a NAT). A book ID is parsed here,
// once, and its CID handed down.
import { InvalidParametersError, serviceCapabilities, type Logger, type Startable } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { join } from 'node:path'
import { normaliseError } from '../wire/errors.js'
import { peerIdToBytes } from '../wire/records.js'
import { DIAL_TIMEOUT_MS, DOWNLOAD_LIST_FILE, UPNP } from './constants.js'
import { parseBookRef } from './book-ref.js'
import { writeBookLink } from './book-link-writer.js'
import { DhtAnnouncer } from './dht-announcer.js'
import { DownloadManager, type DownloadManagerEvents } from './download-manager/download-manager.js'
import { DownloadRunner } from './download-manager/download-runner.js'
import { LimitControls, type Limits } from './limits.js'
import { SettingsFile } from './settings-file.js'
import { IndexLinks } from './index-links/index-links.js'
import { ProviderFinder } from './providers/provider-finder.js'
import { ReachabilityPart, type ReachabilityStatus } from './reachability/reachability.js'
import { ServingSide } from './serving/serving-side.js'
import type { Arkshare, ArkshareComponents, ArkshareEvents, ArkshareInit, Downloads, GetOptions, PeersStatus } from './index.js'
import type { UploadsStatus } from './serving/serving-side.js'
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
  private readonly manager: DownloadManager
  private readonly limitControls: LimitControls
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
    const runner = new DownloadRunner(components, { ...init, log }, {
      providers: this.providers,
      serving: this.serving,
      paths: { kindOf: (connection) => this.reach.connectionKind(connection), reachability: () => this.reach.reachability() }
    })
    this.manager = new DownloadManager({
      listPath: init.dataDir != null ? join(init.dataDir, DOWNLOAD_LIST_FILE) : undefined,
      downloads: init.downloads,
      maxActiveDownloads: init.maxActiveDownloads,
      log
    }, runner)
    this.forwardDownloadEvents()
    this.limitControls = new LimitControls({
      upload: this.serving,
      download: runner.budget,
      downloads: this.manager,
      settings: init.settingsFile != null ? new SettingsFile(init.settingsFile) : undefined
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

  /**
   * In order: the announcer hears the shelf's first scan; the serving side shares what the hash
   * cache remembers while that scan runs, and the index links resume the listing left at each index
   * meanwhile (they register in full, or send what changed, once the scan is done); the saved
   * downloads resume once there is somewhere to find their providers. Returns after the first scan.
   */
  async start (): Promise<void> {
    this.announcer?.start()
    await this.reach.start()
    await this.serving.start()
    this.indexLinks.start()
    await this.serving.whenScanned()
    this.dialBootstrapPeers()
    await this.manager.start()
  }

  /** Stops downloads and unregisters while the connections are still up (libp2p stops components together after this). */
  async beforeStop (): Promise<void> {
    this.announcer?.stop()
    await Promise.all([this.manager.stop(), this.indexLinks.stop()])
  }

  get downloads (): Downloads {
    return this.manager
  }

  limits (): Limits {
    return this.limitControls.current()
  }

  /** Changes limits at runtime, for transfers under way too; all or none (LimitControls.change). */
  async setLimits (changes: Partial<Limits>): Promise<Limits> {
    const limits = await this.limitControls.change(changes)
    this.safeDispatchEvent('limits:change', { detail: limits })
    return limits
  }

  private forwardDownloadEvents (): void {
    const types: Array<keyof DownloadManagerEvents> = ['download:change', 'download:progress', 'download:done', 'download:failed', 'download:removed']
    for (const type of types) {
      this.manager.addEventListener(type, (evt) => { this.safeDispatchEvent(type, { detail: (evt as CustomEvent).detail }) })
    }
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

  uploads (): UploadsStatus {
    return this.serving.uploads()
  }

  peers (): PeersStatus {
    return { measured: this.providers.ranker.stats.list(), bad: this.providers.badPeers.list() }
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
    const started = performance.now()
    let ok = false
    try {
      const results = await this.indexLinks.search({ query, limit: options.limit ?? 0, offset: options.offset ?? 0 }, options.signal)
      if (options.measure === true) await this.providers.ranker.measureResults(results, options.signal)
      this.providers.ranker.showLatency(results)
      ok = true
      return results
    } finally {
      if (this.listenerCount('search') > 0) this.safeDispatchEvent('search', { detail: { ok, durationMs: performance.now() - started } })
    }
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

  async findProviders (idOrLink: string, options: { signal?: AbortSignal } = {}): Promise<SearchResultEntry | undefined> {
    return await this.providers.forRef(parseBookRef(idOrLink), options.signal)
  }

  async bookLink (idOrLink: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    const ref = parseBookRef(idOrLink)
    const shared = this.serving.find(ref.id)
    const listed = this.manager.list().find(d => d.id === ref.id)
    // only a book known nowhere here is looked up
    const found = shared == null && listed == null && this.indexLinks.configured ? await this.findProviders(idOrLink, options).catch(() => undefined) : undefined
    return writeBookLink(ref, { shared, listed, found, ownAddresses: this.components.addressManager.getAddresses() })
  }

  /**
   * Downloads a book through the download list: joins its download if one is running, starts a
   * finished one again, resumes a paused one. If the caller's signal aborts a download this call
   * set going, it is paused (its verified chunks kept, as for any stopped download).
   */
  async get (idOrLink: string, options: GetOptions = {}): Promise<DownloadResult> {
    const { id, started } = this.manager.ensure(parseBookRef(idOrLink), { outDir: options.outDir })
    try {
      return await this.manager.wait(id, { signal: options.signal, onProgress: options.onProgress })
    } catch (err) {
      if (started && options.signal?.aborted === true) {
        try { this.manager.pause(id) } catch { /* it ended meanwhile */ }
      }
      throw err
    }
  }
}
