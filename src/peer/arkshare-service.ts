// The peer's libp2p service: shares a shelf (serving /arkshare/fetch), keeps registrations with
// every configured index, searches them all, and downloads books from other peers.
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { serviceCapabilities, type ComponentLogger, type Libp2pEvents, type Logger, type PeerId, type PeerStore, type Startable } from '@libp2p/interface'
import { TypedEventEmitter, type TypedEventTarget } from 'main-event'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { parseBookId } from '../content/book-id.js'
import { normaliseError } from '../wire/errors.js'
import { FETCH_PROTOCOL, LIMITS } from '../wire/protocols.js'
import { StreamBudget } from '../limits/stream-budget.js'
import { bookFromWire, peerIdToBytes, providerFromWire, type BookRecord, type ProviderInfo } from '../wire/records.js'
import { Download, DownloadError, type DownloadProgress, type DownloadResult } from './download/index.js'
import { handleFetchStream } from './serving/fetch-server.js'
import { HashCache } from './serving/hash-cache.js'
import { IndexLink, type IndexStatus } from './index-links/index-link.js'
import { Shelf, type ShelfEntry } from './serving/shelf.js'
import { BandwidthBudget } from '../limits/token-bucket.js'
import { PeerStats } from './peer-stats.js'
import { UploadSlots } from '../limits/upload-slots.js'
import { BAD_PEER_MS, DHT_ANNOUNCE_TIMEOUT_MS, DHT_LOOKUP_TIMEOUT_MS, DIAL_TIMEOUT_MS, MAX_DHT_PROVIDERS, MAX_INBOUND_STREAMS_PER_CONNECTION, MAX_OPEN_STREAMS, MAX_OPEN_STREAMS_PER_ADDRESS, MAX_OUTBOUND_STREAMS_PER_CONNECTION, MAX_PINGED_PROVIDERS, PING_TIMEOUT_MS, UPLOAD_SLOTS } from './constants.js'
import type { Ping } from '@libp2p/ping'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { ContentRouting } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { IndexStats, SearchResponse } from '../wire/messages.js'

export interface ArkshareInit {
  /** Multiaddrs of index nodes to register with and search. */
  indexes?: string[]
  /** Folders whose files this peer shares. */
  share?: string[]
  /** Where downloads land; shared too, so a downloader becomes a provider. */
  downloads?: string
  /** Folder for the hash cache; omitted = in memory. */
  dataDir?: string
  /** Lease to ask the index for, seconds (0 = the index's default). */
  ttlSeconds?: number
  /** Watch shared folders (default true). */
  watch?: boolean
  rescanIntervalMs?: number
  maxInboundStreams?: number
  /** Fetch streams served at once: in all, and from one IP address (defaults 256 and 32). */
  maxOpenStreams?: number
  maxOpenStreamsPerAddress?: number
  /** Upload limits in bytes per second: all peers together, and each peer. */
  maxUploadBytesPerSecond?: number
  maxUploadBytesPerSecondPerPeer?: number
  /** Download limit in bytes per second, all downloads together. */
  maxDownloadBytesPerSecond?: number
  /** Peers served at once; others wait in a fair queue and are told their place (default 4). */
  uploadSlots?: number
  /** How long a provider caught sending bad data is skipped (default 10 min). */
  badPeerMs?: number
  /** During a download, how often the indexes are asked for providers that appeared since (default 30 s). */
  providerRefreshMs?: number
  /**
   * Announce shared books as provider records in the DHT (the node needs a kad-dht service), and
   * find providers there when no index answers.
   */
  dht?: boolean
  /** Peers to connect to at start (DHT entry points when no index is reachable). */
  bootstrap?: string[]
}

export interface ArkshareComponents {
  peerId: PeerId
  contentRouting: ContentRouting
  /** The ping service, when the node has one under `services.ping` (used to measure latency). */
  ping?: Ping
  registrar: Registrar
  connectionManager: ConnectionManager
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface ProviderView extends ProviderInfo {
  /** Round-trip time this peer measured, when known. */
  latencyMs?: number
}

export interface SearchResultEntry {
  book: BookRecord
  providers: ProviderView[]
}

export interface SearchResults {
  results: SearchResultEntry[]
  /** Highest total any index reported. */
  total: number
  /** Some index estimated its total (very common words). */
  totalIsEstimate?: boolean
  /** Indexes that could not answer, with the reason. */
  failures: Array<{ index: string, error: string }>
}

export interface GetOptions {
  outDir?: string
  signal?: AbortSignal
  onProgress?: (progress: DownloadProgress) => void
}

export interface ArkshareEvents {
  'download:progress': CustomEvent<DownloadProgress>
  'download:done': CustomEvent<DownloadResult>
  'shelf:change': CustomEvent<{ added: number, removed: number, total: number }>
}

export interface Arkshare extends TypedEventTarget<ArkshareEvents> {
  search(query: string, options?: { limit?: number, offset?: number, signal?: AbortSignal, measure?: boolean }): Promise<SearchResults>
  browse(peerId: string, options?: { limit?: number, offset?: number, signal?: AbortSignal }): Promise<SearchResults>
  findProviders(id: string, options?: { signal?: AbortSignal }): Promise<SearchResultEntry | undefined>
  get(id: string, options?: GetOptions): Promise<DownloadResult>
  list(): ShelfEntry[]
  indexes(): IndexStatus[]
  /** Counts from every index that answers. */
  indexStats(options?: { signal?: AbortSignal }): Promise<Array<{ index: string, stats?: IndexStats, error?: string }>>
  /** Rescans shared folders now (they are also watched). */
  rescan(): Promise<void>
}

export class NoIndexError extends Error {
  override name = 'NoIndexError'
}

export class ArkshareService extends TypedEventEmitter<ArkshareEvents> implements Startable, Arkshare {
  readonly [Symbol.toStringTag] = 'arkshare'
  readonly [serviceCapabilities]: string[] = ['@arkshare/peer']

  private readonly log: Logger
  private shelf?: Shelf
  private cache?: HashCache
  private links: IndexLink[] = []
  readonly stats = new PeerStats()
  private readonly uploadBudget: BandwidthBudget
  private readonly fetchStreams: StreamBudget
  private readonly downloadBudget?: BandwidthBudget
  readonly uploadSlots: UploadSlots
  private readonly badPeers = new Map<string, { until: number, reason: string }>()

  constructor (private readonly components: ArkshareComponents, private readonly init: ArkshareInit = {}) {
    super()
    this.log = components.logger.forComponent('arkshare:peer')
    this.uploadBudget = new BandwidthBudget({ total: init.maxUploadBytesPerSecond, perPeer: init.maxUploadBytesPerSecondPerPeer })
    if (init.maxDownloadBytesPerSecond != null) this.downloadBudget = new BandwidthBudget({ total: init.maxDownloadBytesPerSecond })
    this.uploadSlots = new UploadSlots(init.uploadSlots ?? UPLOAD_SLOTS)
    this.fetchStreams = new StreamBudget({
      maxOpen: init.maxOpenStreams ?? MAX_OPEN_STREAMS,
      maxOpenPerAddress: init.maxOpenStreamsPerAddress ?? MAX_OPEN_STREAMS_PER_ADDRESS
    })
  }

  async start (): Promise<void> {
    const dirs = [...(this.init.share ?? [])]
    if (this.init.downloads != null) {
      await mkdir(this.init.downloads, { recursive: true })
      dirs.push(this.init.downloads)
    }
    if (dirs.length > 0) {
      if (this.init.dataDir != null) await mkdir(this.init.dataDir, { recursive: true })
      this.cache = new HashCache(this.init.dataDir != null ? join(this.init.dataDir, 'hash-cache.db') : ':memory:')
      this.shelf = new Shelf({
        dirs,
        // the data folder holds the private key: never share it, even inside a shared folder
        exclude: this.init.dataDir != null ? [this.init.dataDir] : [],
        cache: this.cache,
        watch: this.init.watch,
        rescanIntervalMs: this.init.rescanIntervalMs
      })
      this.shelf.addEventListener('error', (evt) => { this.log.error('scanning the shared folders failed: %e', evt.detail) })
      this.shelf.addEventListener('change', (evt) => {
        this.safeDispatchEvent('shelf:change', { detail: { added: evt.detail.added.length, removed: evt.detail.removed.length, total: this.shelf?.list().length ?? 0 } })
        this.announce(evt.detail.added.map(e => e.id))
      })
      // the first scan's change event has announced every book already
      await this.shelf.start()
      const shelf = this.shelf
      await this.components.registrar.handle(FETCH_PROTOCOL, async (stream, connection) => {
        await handleFetchStream(stream, connection, { shelf, log: this.log, budget: this.uploadBudget, slots: this.uploadSlots, streams: this.fetchStreams })
      }, {
        maxInboundStreams: this.init.maxInboundStreams ?? MAX_INBOUND_STREAMS_PER_CONNECTION,
        maxOutboundStreams: MAX_OUTBOUND_STREAMS_PER_CONNECTION,
        // bulk data never goes over a relayed connection
        runOnLimitedConnection: false
      })
    }
    for (const addr of this.init.bootstrap ?? []) {
      this.components.connectionManager.openConnection(multiaddr(addr), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) }).catch((err) => {
        this.log('bootstrap %s unreachable: %s', addr, normaliseError(err).message)
      })
    }
    this.links = (this.init.indexes ?? []).map(addr => new IndexLink(this.components, addr, this.shelf, { ttlSeconds: this.init.ttlSeconds, log: this.log }))
    for (const link of this.links) link.start()
  }

  private announcing: Promise<void> = Promise.resolve()
  private stopping = new AbortController()

  /** Adds provider records for books to the DHT, one at a time, in the background. */
  private announce (ids: string[]): void {
    if (this.init.dht !== true || ids.length === 0) return
    const signal = this.stopping.signal
    this.announcing = this.announcing.then(async () => {
      for (const id of ids) {
        if (signal.aborted) return
        try {
          await this.components.contentRouting.provide(parseBookId(id), { signal: AbortSignal.any([signal, AbortSignal.timeout(DHT_ANNOUNCE_TIMEOUT_MS)]) })
        } catch (err) {
          this.log('could not announce %s in the DHT: %s', id, normaliseError(err).message)
        }
      }
    })
  }

  /** Providers of a book from DHT provider records (the fallback when no index answers). */
  async findProvidersInDht (cid: CID, signal?: AbortSignal): Promise<ProviderInfo[]> {
    const found = new Map<string, ProviderInfo>()
    const timeout = AbortSignal.timeout(DHT_LOOKUP_TIMEOUT_MS)
    try {
      for await (const p of this.components.contentRouting.findProviders(cid, { signal: signal != null ? AbortSignal.any([signal, timeout]) : timeout })) {
        if (p.id.equals(this.components.peerId)) continue
        found.set(p.id.toString(), { peerId: p.id.toString(), multiaddrs: p.multiaddrs.map(a => a.toString()) })
        if (found.size >= MAX_DHT_PROVIDERS) break
      }
    } catch (err) {
      if (found.size === 0) throw err
    }
    return [...found.values()]
  }

  /** Unregisters while the connections are still up (libp2p stops components together after this). */
  async beforeStop (): Promise<void> {
    this.stopping.abort()
    await Promise.all(this.links.map(async link => { await link.stop() }))
  }

  async stop (): Promise<void> {
    if (this.shelf != null) {
      await this.components.registrar.unhandle(FETCH_PROTOCOL)
      await this.shelf.stop()
    }
    this.cache?.close()
  }

  list (): ShelfEntry[] {
    return this.shelf?.list() ?? []
  }

  indexes (): IndexStatus[] {
    return this.links.map(l => l.status())
  }

  async indexStats (options: { signal?: AbortSignal } = {}): Promise<Array<{ index: string, stats?: IndexStats, error?: string }>> {
    if (this.links.length === 0) throw new NoIndexError('no index configured (use --index)')
    return await Promise.all(this.links.map(async (link) => {
      try {
        const reply = await link.search({ stats: true }, options.signal)
        return { index: link.address.toString(), stats: reply.stats }
      } catch (err) {
        return { index: link.address.toString(), error: normaliseError(err).message }
      }
    }))
  }

  async rescan (): Promise<void> {
    await this.shelf?.rescan()
  }

  /** Asks every index at once and merges: one entry per book, providers unioned. */
  private async searchAll (request: Parameters<IndexLink['search']>[0], signal?: AbortSignal): Promise<SearchResults> {
    if (this.links.length === 0) throw new NoIndexError('no index configured (use --index)')
    const settled = await Promise.allSettled(this.links.map(async link => await link.search(request, signal)))
    const merged = new Map<string, SearchResultEntry>()
    const failures: SearchResults['failures'] = []
    let total = 0
    let totalIsEstimate = false
    settled.forEach((outcome, i) => {
      if (outcome.status === 'rejected') {
        failures.push({ index: this.links[i].address.toString(), error: normaliseError(outcome.reason).message })
        return
      }
      const response: SearchResponse = outcome.value
      total = Math.max(total, response.total)
      totalIsEstimate ||= response.totalIsEstimate
      for (const result of response.results) {
        if (result.book == null) continue
        let book: BookRecord
        try { book = bookFromWire(result.book) } catch { continue }
        const entry = merged.get(book.id) ?? { book, providers: [] }
        for (const p of result.providers) {
          const provider = providerFromWire(p)
          if (provider == null) continue
          const known = entry.providers.find(q => q.peerId === provider.peerId)
          if (known == null) entry.providers.push(provider)
          else known.multiaddrs = [...new Set([...known.multiaddrs, ...provider.multiaddrs])]
        }
        merged.set(book.id, entry)
      }
    })
    if (failures.length === this.links.length) {
      throw new NoIndexError(`no index answered: ${failures.map(f => f.error).join('; ')}`)
    }
    return { results: [...merged.values()], total, totalIsEstimate, failures }
  }

  /**
   * Searches every index. With `measure`, the providers of the first results are pinged first
   * (at most 16, 2 s), so their latency shows; otherwise only latencies measured earlier do.
   */
  async search (query: string, options: { limit?: number, offset?: number, signal?: AbortSignal, measure?: boolean } = {}): Promise<SearchResults> {
    const results = await this.searchAll({ query, limit: options.limit ?? 0, offset: options.offset ?? 0 }, options.signal)
    if (options.measure === true) {
      const unique = new Map(results.results.flatMap(r => r.providers).map(p => [p.peerId, p]))
      await this.measure([...unique.values()].filter(p => p.peerId !== this.components.peerId.toString()), options.signal)
    }
    for (const entry of results.results) {
      for (const p of entry.providers) {
        const rtt = this.stats.get(p.peerId)?.rttMs
        if (rtt != null) p.latencyMs = Math.round(rtt)
      }
    }
    return results
  }

  async browse (peerId: string, options: { limit?: number, offset?: number, signal?: AbortSignal } = {}): Promise<SearchResults> {
    let provider: Uint8Array<ArrayBuffer>
    try {
      provider = peerIdToBytes(peerId.trim())
    } catch {
      throw new Error(`not a peer ID: ${JSON.stringify(peerId)}`)
    }
    return await this.searchAll({ provider, limit: options.limit ?? 0, offset: options.offset ?? 0 }, options.signal)
  }

  async findProviders (id: string, options: { signal?: AbortSignal } = {}): Promise<SearchResultEntry | undefined> {
    const cid = parseBookId(id)
    const { results } = await this.searchAll({ bookId: cid.bytes as Uint8Array<ArrayBuffer>, limit: 1 }, options.signal)
    return results.find(r => r.book.id === cid.toString())
  }

  /** Pings providers (bounded in number and time) so the fastest are tried first. */
  async measure (providers: ProviderInfo[], signal?: AbortSignal): Promise<void> {
    let ping: Ping | undefined
    // libp2p's components throw for a service the node does not have
    try { ping = this.components.ping } catch { return }
    if (ping == null) return
    await Promise.all(providers.slice(0, MAX_PINGED_PROVIDERS).map(async (p) => {
      try {
        const peerId = peerIdFromString(p.peerId)
        if (p.multiaddrs.length > 0) await this.components.peerStore.merge(peerId, { multiaddrs: p.multiaddrs.map(a => multiaddr(a)) })
        const rtt = await ping.ping(peerId, { signal: signal != null ? AbortSignal.any([signal, AbortSignal.timeout(PING_TIMEOUT_MS)]) : AbortSignal.timeout(PING_TIMEOUT_MS) })
        this.stats.recordRtt(p.peerId, rtt)
      } catch { /* unreachable now: ranked last */ }
    }))
  }

  private readonly badPeerList = {
    has: (peer: string): boolean => {
      const entry = this.badPeers.get(peer)
      if (entry != null && entry.until < Date.now()) this.badPeers.delete(peer)
      return this.badPeers.has(peer)
    },
    add: (peer: string, reason: string): void => {
      this.badPeers.set(peer, { until: Date.now() + (this.init.badPeerMs ?? BAD_PEER_MS), reason })
    }
  }

  async get (id: string, options: GetOptions = {}): Promise<DownloadResult> {
    const cid = parseBookId(id)
    const outDir = options.outDir ?? this.init.downloads
    if (outDir == null) throw new DownloadError('no downloads folder: pass outDir or configure downloads')
    let found: SearchResultEntry | undefined
    let indexError: Error | undefined
    try {
      found = this.links.length > 0 ? await this.findProviders(id, options) : undefined
    } catch (err) {
      indexError = normaliseError(err)
    }
    if ((found == null || found.providers.length === 0) && this.init.dht === true) {
      // no index knows it (or none answered): ask the DHT, by ID only
      const providers = await this.findProvidersInDht(cid, options.signal).catch(() => [])
      if (providers.length > 0) found = { book: found?.book ?? { id: cid.toString(), title: '', author: '', format: '', size: 0, fileName: '', language: '' }, providers }
    }
    if (found == null || found.providers.length === 0) {
      if (indexError != null) throw indexError
      throw new DownloadError(`no provider is online for ${cid.toString()}`)
    }
    await this.measure(found.providers, options.signal)
    const download = new Download(this.components, {
      id: cid,
      book: found.book,
      providers: this.stats.rank(found.providers),
      outDir,
      signal: options.signal,
      budget: this.downloadBudget,
      stats: this.stats,
      badPeers: this.badPeerList,
      refreshProviders: async (signal) => this.links.length > 0 ? (await this.findProviders(id, { signal: signal ?? options.signal }))?.providers ?? [] : [],
      refreshIntervalMs: this.init.providerRefreshMs,
      onProgress: (progress) => {
        options.onProgress?.(progress)
        this.safeDispatchEvent('download:progress', { detail: progress })
      }
    }, this.log)
    const result = await download.run()
    // the downloads folder is shared: list the new copy at once instead of waiting for the watcher
    if (this.shelf != null && outDir === this.init.downloads) await this.shelf.addFile(result.path, result.manifest)
    this.safeDispatchEvent('download:done', { detail: result })
    return result
  }
}

