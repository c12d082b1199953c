// `get`: finds a book's providers (providers/), downloads it from them (download/), and lists the
// new copy on the shelf when it lands in the shared downloads folder.
import { BandwidthBudget } from '../limits/token-bucket.js'
import { Download, DownloadError, type DownloaderComponents, type DownloadResult } from './download/index.js'
import type { GetOptions } from './index.js'
import type { ProviderFinder } from './providers/provider-finder.js'
import type { ServingSide } from './serving/serving-side.js'
import type { PathOptions } from './download/paths.js'
import type { Logger } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface DownloadsInit {
  /** Where downloads land when the caller names no folder; shared. */
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

export interface DownloadsParts {
  providers: ProviderFinder
  serving: ServingSide
  /** How connections reach their peers and others reach us (the reachability part). */
  paths: PathOptions
}

export class Downloads {
  /** All downloads together. */
  private readonly budget?: BandwidthBudget

  constructor (private readonly components: DownloaderComponents, private readonly init: DownloadsInit, private readonly parts: DownloadsParts) {
    if (init.maxDownloadBytesPerSecond != null) this.budget = new BandwidthBudget({ total: init.maxDownloadBytesPerSecond })
  }

  async get (cid: CID, options: GetOptions = {}): Promise<DownloadResult> {
    const { providers, serving } = this.parts
    const outDir = options.outDir ?? this.init.downloads
    if (outDir == null) throw new DownloadError('no downloads folder: pass outDir or configure downloads')
    const found = await providers.forDownload(cid, options.signal)
    const download = new Download(this.components, {
      id: cid,
      book: found.book,
      providers: found.providers,
      outDir,
      signal: options.signal,
      budget: this.budget,
      stats: providers.ranker.stats,
      badPeers: providers.badPeers,
      refreshProviders: async (signal) => await providers.refresh(cid, signal ?? options.signal),
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
