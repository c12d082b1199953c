// Downloads one book from the peers that provide it. The manifest is checked against the book ID
// and every chunk against the manifest before a byte is written. Chunks are pulled from several
// providers at once (worker-pool.ts); near the end, idle providers duplicate the chunks still
// outstanding elsewhere, so one slow peer cannot hold the download back. A provider that fails or
// lies is dropped and its chunks go to the others. Data goes to a part file (part-file.ts), so a
// crashed download resumes from the verified chunks on disk.
import { chunkCount, type Manifest } from '../../content/book-id.js'
import { normaliseError } from '../../wire/errors.js'
import { ChunkPlan } from './chunk-plan.js'
import { ChunkWriter } from './chunk-writer.js'
import { DEFAULT_MAX_PROVIDERS, DEFAULT_REFRESH_INTERVAL_MS, DEFAULT_STALL_TIMEOUT_MS } from './constants.js'
import { DownloadError, FinishedError, UnreachableError } from './errors.js'
import { requestManifest, type FetchChannel } from './fetch-channel.js'
import { PartFile } from './part-file.js'
import { ProgressMeter, type DownloadProgress } from './progress.js'
import { PathFinder, type PathComponents, type PathOptions } from './paths.js'
import { ProviderDialer, type ProviderPath } from './provider-dialer.js'
import { ProviderFailures, type BadPeers } from './provider-failures.js'
import { ProviderLedger } from './provider-ledger.js'
import type { ProviderRampInit } from './provider-ramp.js'
import { safeFileName } from './target.js'
import { WorkerPool } from './worker-pool.js'
import type { BandwidthBudget } from '../../limits/token-bucket.js'
import type { PeerStats } from '../peer-stats.js'
import type { BookRecord, ProviderInfo } from '../../wire/records.js'
import type { CID } from 'multiformats/cid'
import type { ConnectionKind } from '../reachability/connection-kinds.js'
import type { Logger, PeerId, PeerStore } from '@libp2p/interface'
import { deadline } from '../../limits/deadline.js'

export interface DownloadResult {
  id: string
  path: string
  bytes: number
  manifest: Manifest
  resumedBytes: number
  /** Bytes received from the network, duplicates included. */
  bytesFetched: number
  providersUsed: string[]
  /** What each provider we pulled from sent (chunk bytes, duplicates included), and how we reached it. */
  providers: Array<{ peerId: string, bytes: number, connection: ConnectionKind }>
  /** Providers dropped during this download, with the reason (bad data, stalled, unreachable). */
  providersFailed: Array<{ peerId: string, reason: string }>
}

export interface DownloadOptions {
  id: CID
  /** Metadata from the index, used for the file name (untrusted, sanitised). */
  book?: BookRecord
  /** The name to save under instead of one made from `book` (a resume keeps the name it started with). */
  fileName?: string
  providers: ProviderInfo[]
  outDir: string
  signal?: AbortSignal
  onProgress?: (progress: DownloadProgress) => void
  /** Providers pulled from at once (default 8). */
  maxProviders?: number
  /** How long one reply may take before the provider counts as stalled (default 20 s). */
  stallTimeoutMs?: number
  /**
   * When to take in more providers: by default after 100 ms with the downloader's event loop
   * under half busy (constants.ts: RAMP_*).
   */
  ramp?: ProviderRampInit
  /**
   * Pings providers not pinged yet, until the nearest answers (providers/provider-pings.ts): before
   * the ramp takes in another provider, so that one is the nearest of the rest.
   */
  nearest?: (providers: ProviderInfo[]) => Promise<void>
  /**
   * Asks the index for the book's providers: periodically, for providers that appeared since the
   * download started, and once for a provider unreachable at its addresses (it may have moved).
   */
  refreshProviders?: (signal?: AbortSignal) => Promise<ProviderInfo[]>
  refreshIntervalMs?: number
  /** Download rate limit. */
  budget?: BandwidthBudget
  stats?: PeerStats
  badPeers?: BadPeers
  /** How connections reach their peers, and how others reach us (the reachability part). */
  paths: PathOptions
}

export interface DownloaderComponents extends PathComponents {
  peerId: PeerId
  peerStore: PeerStore
}

export class Download {
  private readonly stallTimeoutMs: number
  /** Aborts when the download finishes or its caller stops it. */
  private readonly stopped: AbortSignal
  private readonly finished = new AbortController()
  private readonly failures: ProviderFailures
  private readonly ledger = new ProviderLedger()
  private readonly dialer: ProviderDialer
  private readonly startedAt = Date.now()
  /** The last path opened to each provider: how we reached it, and what a path over a relay may carry. */
  private readonly opened = new Map<string, ProviderPath>()
  /** Known once the first provider sent it: a path over a relay is checked against it. */
  private manifest?: Manifest

  constructor (private readonly components: DownloaderComponents, private readonly options: DownloadOptions, private readonly log: Logger) {
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS
    this.stopped = options.signal != null ? AbortSignal.any([this.finished.signal, options.signal]) : this.finished.signal
    this.failures = new ProviderFailures(this.ledger, this.stopped, log, options.badPeers)
    this.dialer = new ProviderDialer(components, new PathFinder(components, options.paths), options.book?.size ?? 0, options.refreshProviders)
  }

  /** A fresh signal for each wait: the stall timeout, the download finishing, the caller's abort. */
  private signalFor (): AbortSignal {
    return deadline(this.stallTimeoutMs, this.stopped)
  }

  private async connect (provider: ProviderInfo): Promise<FetchChannel> {
    let path: ProviderPath
    try {
      path = await this.dialer.open(provider, this.signalFor())
    } catch (err) {
      throw new UnreachableError(normaliseError(err).message)
    }
    if (this.manifest != null) this.checkRelayLimit(path, this.manifest)
    this.opened.set(provider.peerId, path)
    return path.channel
  }

  /** A book larger than a relayed path may carry is never started on it: the relay would cut it silently. */
  private checkRelayLimit (path: ProviderPath, manifest: Manifest): void {
    if (path.maxBookBytes == null || manifest.size <= path.maxBookBytes) return
    const why = new UnreachableError(`no direct path to the provider, and the book (${manifest.size} bytes) is over the ${path.maxBookBytes} bytes its relay may carry`)
    path.channel.abort(why)
    throw why
  }

  /** The first provider whose manifest hashes to the book ID wins; its channel is kept for chunks. */
  private async fetchManifest (providers: ProviderInfo[]): Promise<{ manifest: Manifest, provider: ProviderInfo, channel: FetchChannel } | undefined> {
    for (const provider of providers) {
      let channel: FetchChannel | undefined
      try {
        channel = await this.connect(provider)
        const manifest = await requestManifest(channel, this.options.id, this.signalFor())
        const path = this.opened.get(provider.peerId)
        if (path != null) this.checkRelayLimit(path, manifest)
        this.manifest = manifest
        return { manifest, provider, channel }
      } catch (err) {
        channel?.abort(normaliseError(err))
        this.failures.record(provider, err)
        this.options.signal?.throwIfAborted()
      }
    }
    return undefined
  }

  private fileName (): string {
    const { id, book } = this.options
    if (this.options.fileName != null) return safeFileName(this.options.fileName, id.toString())
    const format = (book?.format ?? '').replace(/[^a-z0-9]/gi, '')
    return safeFileName(book?.fileName ?? '', `${id.toString()}${format !== '' ? `.${format}` : ''}`)
  }

  /** Asks for new providers every refresh interval, for as long as the download runs. */
  private refreshInto (pool: WorkerPool): NodeJS.Timeout | undefined {
    const refresh = this.options.refreshProviders
    if (refresh == null) return undefined
    const timer = setInterval(() => {
      refresh().then(fresh => { pool.add(fresh) }, () => {})
    }, this.options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS)
    timer.unref()
    return timer
  }

  async run (): Promise<DownloadResult> {
    const { id, outDir } = this.options
    const self = this.components.peerId.toString()
    const usable = (p: ProviderInfo): boolean => p.peerId !== self && this.options.badPeers?.has(p.peerId) !== true
    const providers = this.options.providers.filter(usable)
    if (providers.length === 0) throw new DownloadError(`no provider is online for ${id.toString()}`)

    this.log('download %s: %d providers, asking for the manifest', id, providers.length)
    const first = await this.fetchManifest(providers)
    if (first == null) throw this.failures.allFailed(providers.length)
    const { manifest } = first
    const fileName = this.fileName()
    const plan = new ChunkPlan(chunkCount(manifest.size, manifest.chunkSize))
    const part = await PartFile.open(outDir, fileName, id, manifest, plan)
    if (part.resumedBytes > 0) this.log('resuming %s with %d verified bytes on disk', fileName, part.resumedBytes)
    const writer = new ChunkWriter(part.file, part.path)
    const progress = new ProgressMeter({
      id: id.toString(), fileName, totalBytes: manifest.size, plan, ledger: this.ledger, resumedBytes: part.resumedBytes, startedAt: this.startedAt, onProgress: this.options.onProgress
    })
    const pool = new WorkerPool(
      { id, manifest, plan, writer, progress, ledger: this.ledger, stallTimeoutMs: this.stallTimeoutMs, stopped: this.stopped, budget: this.options.budget, stats: this.options.stats },
      { providers, maxProviders: this.options.maxProviders ?? DEFAULT_MAX_PROVIDERS, connect: async p => await this.connect(p), failures: this.failures, usable, signal: this.options.signal, ramp: this.options.ramp, nearest: this.options.nearest, rank: this.options.stats != null ? ps => this.options.stats!.rank(ps) : undefined }
    )
    let published: string | undefined
    let refreshTimer: NodeJS.Timeout | undefined
    try {
      progress.report()
      refreshTimer = this.refreshInto(pool)
      await pool.run(first.provider, first.channel)
      // done: stop providers still working on duplicate end-game requests
      this.finished.abort(new FinishedError('download complete'))
      await pool.settled()
      await writer.flush()
      published = await part.publish(outDir, fileName, manifest.size)
      return {
        id: id.toString(),
        path: published,
        bytes: manifest.size,
        manifest,
        resumedBytes: part.resumedBytes,
        bytesFetched: progress.bytesFetched,
        providersUsed: [...pool.used],
        providers: [...pool.used].flatMap(peerId => {
          const path = this.opened.get(peerId)
          return path == null ? [] : [{ peerId, bytes: this.ledger.entry(peerId).bytes, connection: path.connection }]
        }),
        providersFailed: this.failures.list()
      }
    } finally {
      clearInterval(refreshTimer)
      if (published == null) {
        this.finished.abort(new FinishedError('download stopped'))
        await pool.settled()
        await writer.flush().catch(() => {})
        // verified chunks are kept for a later resume; a part with nothing verified is removed
        await part.abandon(plan.doneCount > 0)
      }
    }
  }
}
