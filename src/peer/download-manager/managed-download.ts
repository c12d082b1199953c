// One download in the manager's list: its state, what is known of the book, its last progress,
// the run in flight, and the callers of get() waiting for it to end.
import { DownloadError } from '../download/index.js'
import type { SavedDownload } from './download-list-file.js'
import type { BookRef } from '../book-ref.js'
import type { DownloadProgress, DownloadResult, ProviderLedgerEntry } from '../download/index.js'

/**
 * queued: waiting for a place among the active downloads; active: running; paused: stopped by
 * request, verified chunks kept; done; failed: stopped by an error, verified chunks kept (retry);
 * cancelled: stopped by request, its part file removed.
 */
export type DownloadState = 'queued' | 'active' | 'paused' | 'done' | 'failed' | 'cancelled'

export interface DownloadInfo {
  id: string
  state: DownloadState
  /** From the index or the book link: untrusted, for display. */
  title: string
  /** The name it is saved under ('' until its first run chose one). */
  fileName: string
  outDir: string
  /** The book's size in bytes (0 until known). */
  size: number
  bytesDone: number
  chunksDone: number
  chunksTotal: number
  /** Bytes found verified on disk when the current (or last) run started. */
  resumedBytes: number
  bytesFetched: number
  bytesPerSecond: number
  /** Seconds left at the current rate; null when not running or not yet known. */
  etaSeconds: number | null
  activeProviders: number
  /** Providers whose upload queue we wait in, with our place. */
  queued: Array<{ peerId: string, position: number }>
  /** Providers named by the book link (dialled even when no index knows the book). */
  hints: number
  /** Why it failed. */
  error?: string
  /** Where the finished book is. */
  path?: string
  /** Times in ms since the epoch. */
  addedAt: number
  startedAt?: number
  finishedAt?: number
}

export interface DownloadDetail extends DownloadInfo {
  /** What each provider of the current (or last) run delivered, and why it was dropped. */
  providers: ProviderLedgerEntry[]
  /** Who delivered each chunk: a copy of the run's chunk map (empty before the first run). */
  chunkMap: { providers: string[], owners: Uint8Array }
}

interface Waiter {
  resolve: (result: DownloadResult) => void
  reject: (err: Error) => void
  onProgress?: (progress: DownloadProgress) => void
}

/** Whatever the reason a state is left unfinished, waiters hear it as an error. */
const ENDS: Partial<Record<DownloadState, string>> = { paused: 'the download was paused', cancelled: 'the download was cancelled' }

export class ManagedDownload {
  state: DownloadState
  title: string
  fileName: string
  size: number
  error?: string
  /** The error itself, for get() callers (the info has its message). */
  failure?: Error
  result?: DownloadResult
  progress?: DownloadProgress
  /** Bytes verified on disk when it was last saved (a paused download after a restart). */
  savedBytes: number
  startedAt?: number
  finishedAt?: number
  /** The run in flight and its stop switch. */
  run?: Promise<void>
  controller?: AbortController
  /** A cancelled download's part file: to be removed once no run holds it, and being removed. */
  discardPart = false
  discarding?: Promise<void>
  readonly waiters = new Set<Waiter>()

  constructor (public ref: BookRef, readonly outDir: string, readonly addedAt: number, saved?: SavedDownload) {
    this.state = saved?.state ?? 'queued'
    this.title = saved?.title ?? ref.title ?? ''
    this.fileName = saved?.fileName ?? ''
    this.size = saved?.size ?? ref.size ?? 0
    this.error = saved?.error
    this.savedBytes = saved?.bytesDone ?? 0
  }

  get id (): string { return this.ref.id }

  /**
   * Takes what another reference to the book adds (a link given after its bare ID): hints to
   * other providers, for the next run, and a title, name or size not known yet. True if it added any.
   */
  learn (ref: BookRef): boolean {
    const hints = ref.hints.filter(h => !this.ref.hints.some(k => k.peerId === h.peerId))
    const title = this.title === '' && ref.title != null
    const size = this.size === 0 && ref.size != null
    const fileName = this.ref.fileName == null && ref.fileName != null
    if (hints.length === 0 && !title && !size && !fileName) return false
    this.ref = { ...this.ref, hints: [...this.ref.hints, ...hints], fileName: this.ref.fileName ?? ref.fileName }
    if (title) this.title = ref.title ?? ''
    if (size) this.size = ref.size ?? 0
    return true
  }

  get finished (): boolean { return this.state === 'done' || this.state === 'failed' || this.state === 'cancelled' }

  info (): DownloadInfo {
    const p = this.progress
    const size = p?.totalBytes ?? this.size
    const bytesDone = this.state === 'done' ? size : p?.bytesDone ?? this.savedBytes
    const rate = this.state === 'active' ? p?.bytesPerSecond ?? 0 : 0
    return {
      id: this.id,
      state: this.state,
      title: this.title,
      fileName: this.fileName,
      outDir: this.outDir,
      size,
      bytesDone,
      chunksDone: p?.chunksDone ?? 0,
      chunksTotal: p?.chunksTotal ?? 0,
      resumedBytes: p?.resumedBytes ?? 0,
      bytesFetched: p?.bytesFetched ?? 0,
      bytesPerSecond: rate,
      etaSeconds: rate > 0 ? Math.round((size - bytesDone) / rate) : null,
      activeProviders: this.state === 'active' ? p?.activeProviders ?? 0 : 0,
      queued: this.state === 'active' ? p?.queued ?? [] : [],
      hints: this.ref.hints.length,
      error: this.error,
      path: this.result?.path,
      addedAt: this.addedAt,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt
    }
  }

  detail (): DownloadDetail {
    const map = this.progress?.chunkMap
    return {
      ...this.info(),
      providers: this.progress?.providers ?? [],
      chunkMap: { providers: [...map?.providers ?? []], owners: map != null ? new Uint8Array(map.owners) : new Uint8Array(0) }
    }
  }

  /** Its line in the list file; none once finished (done or cancelled: nothing to resume). */
  saved (): SavedDownload | undefined {
    if (this.state === 'done' || this.state === 'cancelled') return undefined
    return {
      id: this.id,
      state: this.state === 'active' ? 'queued' : this.state,
      outDir: this.outDir,
      title: this.title,
      fileName: this.fileName,
      size: this.size,
      bytesDone: this.progress?.bytesDone ?? this.savedBytes,
      hints: this.ref.hints,
      error: this.error,
      addedAt: this.addedAt
    }
  }

  /** Adds a get() caller; it hears progress until the download ends, one way or another. */
  wait (waiter: Waiter): () => void {
    this.waiters.add(waiter)
    return () => { this.waiters.delete(waiter) }
  }

  /** Tells every waiter how it ended, if it has (done, failed, paused, cancelled, removed). */
  settleWaiters (removed = false): void {
    const end = removed ? 'the download was removed' : ENDS[this.state]
    for (const waiter of this.waiters) {
      if (this.state === 'done' && this.result != null && !removed) waiter.resolve(this.result)
      else if (this.state === 'failed' && !removed) waiter.reject(this.failure ?? new DownloadError(this.error ?? 'the download failed'))
      else if (end != null) waiter.reject(new DownloadError(end))
      else continue
      this.waiters.delete(waiter)
    }
  }

  /** Tells every waiter the download cannot end while the node is stopped. */
  rejectWaiters (err: Error): void {
    for (const waiter of this.waiters) waiter.reject(err)
    this.waiters.clear()
  }

  reportProgress (progress: DownloadProgress): void {
    this.progress = progress
    for (const waiter of this.waiters) waiter.onProgress?.(progress)
  }
}
