// One run of one download: finds the book's providers (providers/, with a link's hints), downloads
// it from them (download/), and lists the new copy on the shelf when it lands in the shared
// downloads folder. Every run shares one download budget.
import { BandwidthBudget } from '../../limits/token-bucket.js'
import { Download, type DownloaderComponents, type DownloadProgress, type DownloadResult } from '../download/index.js'
import type { BookRef } from '../book-ref.js'
import type { ProviderFinder } from '../providers/provider-finder.js'
import type { ServingSide } from '../serving/serving-side.js'
import type { PathOptions } from '../download/paths.js'
import type { BookRecord } from '../../wire/records.js'
import type { Logger } from '@libp2p/interface'

export interface DownloadRunnerInit {
  /** The shared downloads folder: a book saved there is listed on the shelf at once. */
  downloads?: string
  /** Bytes per second, all downloads together (default unlimited). */
  maxDownloadBytesPerSecond?: number
  /**
   * How often a running download asks the indexes for providers that appeared since.
   *
   * @default DEFAULT_REFRESH_INTERVAL_MS (download/constants.ts)
   */
  providerRefreshMs?: number
  log: Logger
}

export interface DownloadRunnerParts {
  providers: ProviderFinder
  serving: ServingSide
  /** How connections reach their peers and others reach us (the reachability part). */
  paths: PathOptions
}

export interface RunOptions {
  ref: BookRef
  outDir: string
  /** The name an earlier run saved its part file under, so a resume finds it. */
  fileName?: string
  signal: AbortSignal
  /** The book as the indexes list it, once found (its providers are being reached). */
  onFound?: (book: BookRecord) => void
  onProgress?: (progress: DownloadProgress) => void
}

export class DownloadRunner {
  /** All downloads together. */
  readonly budget: BandwidthBudget

  constructor (private readonly components: DownloaderComponents, private readonly init: DownloadRunnerInit, private readonly parts: DownloadRunnerParts) {
    this.budget = new BandwidthBudget({ total: init.maxDownloadBytesPerSecond })
  }

  async run (options: RunOptions): Promise<DownloadResult> {
    const { providers, serving } = this.parts
    const { ref, outDir, signal } = options
    this.init.log('download %s: looking for providers', ref.id)
    const found = await providers.forDownload(ref.cid, signal, ref.hints)
    // what the link said stands in for what no index told us
    const book = {
      ...found.book,
      title: found.book.title !== '' ? found.book.title : ref.title ?? '',
      fileName: found.book.fileName !== '' ? found.book.fileName : ref.fileName ?? '',
      size: found.book.size > 0 ? found.book.size : ref.size ?? 0
    }
    options.onFound?.(book)
    const download = new Download(this.components, {
      id: ref.cid,
      book,
      fileName: options.fileName,
      providers: found.providers,
      nearest: async (more) => { await found.pings.nearest(more) },
      outDir,
      signal,
      budget: this.budget,
      stats: providers.ranker.stats,
      badPeers: providers.badPeers,
      refreshProviders: async (refreshSignal) => await providers.refresh(ref.cid, refreshSignal ?? signal),
      refreshIntervalMs: this.init.providerRefreshMs,
      onProgress: options.onProgress,
      paths: this.parts.paths
    }, this.init.log)
    const result = await download.run()
    // the downloads folder is shared: list the new copy at once instead of waiting for the watcher
    if (outDir === this.init.downloads) await serving.addFile(result.path, result.manifest)
    return result
  }
}
