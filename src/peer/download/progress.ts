// The counters of one running download, and the progress reports made from them.
import type { ChunkPlan } from './chunk-plan.js'
import type { ChunkMap, ProviderLedger, ProviderLedgerEntry } from './provider-ledger.js'

export interface DownloadProgress {
  id: string
  fileName: string
  bytesDone: number
  totalBytes: number
  chunksDone: number
  chunksTotal: number
  /** Bytes found already verified on disk when the download (re)started. */
  resumedBytes: number
  /** Bytes received from the network so far, duplicates and rejected chunks included. */
  bytesFetched: number
  activeProviders: number
  /** Providers that put us in their upload queue, with our place in it. */
  queued: Array<{ peerId: string, position: number }>
  bytesPerSecond: number
  /** What each provider delivered, got wrong, and why it was dropped. */
  providers: ProviderLedgerEntry[]
  /** Which provider delivered each verified chunk (a live view: copy what you keep). */
  chunkMap: ChunkMap
}

export interface ProgressMeterInit {
  id: string
  fileName: string
  totalBytes: number
  plan: ChunkPlan
  ledger: ProviderLedger
  resumedBytes: number
  /** When the download started (the rate counts from there). */
  startedAt: number
  onProgress?: (progress: DownloadProgress) => void
}

export class ProgressMeter {
  /** Bytes in the part file: progress counts written bytes only, so what a user saw reported survives a kill. */
  bytesDone: number
  bytesFetched = 0
  activeProviders = 0
  /** Our place in each provider's upload queue, while we wait in it. */
  readonly queued = new Map<string, number>()

  constructor (private readonly init: ProgressMeterInit) {
    this.bytesDone = init.resumedBytes
  }

  report (): void {
    const { id, fileName, totalBytes, plan, ledger, resumedBytes, startedAt } = this.init
    const elapsed = (Date.now() - startedAt) / 1000
    this.init.onProgress?.({
      id,
      fileName,
      bytesDone: this.bytesDone,
      totalBytes,
      chunksDone: plan.doneCount,
      chunksTotal: plan.total,
      resumedBytes,
      bytesFetched: this.bytesFetched,
      activeProviders: this.activeProviders,
      queued: [...this.queued].map(([peerId, position]) => ({ peerId, position })),
      bytesPerSecond: elapsed > 0 ? (this.bytesDone - resumedBytes) / elapsed : 0,
      providers: ledger.list(),
      chunkMap: { providers: ledger.providers, owners: plan.owners }
    })
  }
}
