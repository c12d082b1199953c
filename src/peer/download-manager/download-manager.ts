// The peer's downloads: a list of books to fetch, at most `maxActiveDownloads` at once, the rest
// queued in the order they were added (download-runs.ts). Downloads can be paused, resumed,
// cancelled (the part file goes), retried and cleared once finished; the unfinished ones are kept
// in the data folder and resume after a restart. The shell, get() and the HTTP API all go through
// it, so a book is never downloaded twice at once and every download shows in one list.
import { NotFoundError, type Logger, type Startable } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import { parseBookId } from '../../content/book-id.js'
import { parseBookRef, type BookRef } from '../book-ref.js'
import { MAX_ACTIVE_DOWNLOADS, MAX_FINISHED_DOWNLOADS } from '../constants.js'
import { DownloadError, DownloadStateError } from '../errors.js'
import { DownloadListFile } from './download-list-file.js'
import { DownloadRuns } from './download-runs.js'
import { ManagedDownload, type DownloadDetail, type DownloadInfo, type DownloadState } from './managed-download.js'
import type { DownloadRunner } from './download-runner.js'
import type { DownloadProgress, DownloadResult } from '../download/index.js'

export interface DownloadManagerInit {
  /** Where the unfinished downloads are kept; none = in memory only. */
  listPath?: string
  /** The folder a download lands in when none is named. */
  downloads?: string
  /**
   * Downloads running at once; the others wait, queued.
   *
   * @default MAX_ACTIVE_DOWNLOADS
   */
  maxActiveDownloads?: number
  log: Logger
}

export interface DownloadManagerEvents {
  /** Added, or its state or what is known of the book changed. */
  'download:change': CustomEvent<DownloadInfo>
  'download:progress': CustomEvent<DownloadProgress>
  'download:done': CustomEvent<DownloadResult>
  'download:failed': CustomEvent<{ id: string, error: string }>
  /** Cleared or removed from the list. */
  'download:removed': CustomEvent<{ id: string }>
}

export class DownloadManager extends TypedEventEmitter<DownloadManagerEvents> implements Startable {
  private readonly entries = new Map<string, ManagedDownload>()
  private readonly file?: DownloadListFile
  private readonly runs: DownloadRuns
  /** Whether the saved list was read: until then nothing is saved over it. */
  private loaded = false

  constructor (private readonly init: DownloadManagerInit, runner: DownloadRunner) {
    super()
    if (init.listPath != null) this.file = new DownloadListFile(init.listPath, init.log)
    this.runs = new DownloadRuns(runner, {
      entries: () => this.entries.values(),
      changed: (entry) => { this.changed(entry) },
      progress: (_, progress) => { this.safeDispatchEvent('download:progress', { detail: progress }) },
      done: (entry, result) => {
        this.changed(entry)
        this.safeDispatchEvent('download:done', { detail: result })
        entry.settleWaiters()
        this.trimFinished()
      },
      failed: (entry, error) => {
        this.changed(entry)
        this.safeDispatchEvent('download:failed', { detail: { id: entry.id, error: error.message } })
        entry.settleWaiters()
      }
    }, init.maxActiveDownloads ?? MAX_ACTIVE_DOWNLOADS, init.log)
  }

  /** Loads the saved list (a damaged one throws DownloadListError) and starts what is queued. */
  async start (): Promise<void> {
    const saved = await this.file?.load()
    this.loaded = true
    if (saved != null) {
      this.entries.clear()
      for (const s of saved) {
        const ref: BookRef = { cid: parseBookId(s.id), id: s.id, title: s.title, size: s.size, hints: s.hints }
        this.entries.set(s.id, new ManagedDownload(ref, s.outDir, s.addedAt, s))
      }
    }
    // without a file, a restart in the same process finds the runs it stopped still marked active
    for (const entry of this.entries.values()) if (entry.state === 'active') entry.state = 'queued'
    this.runs.start()
  }

  /** Stops every run (verified chunks stay for the next start) and saves the list. */
  async stop (): Promise<void> {
    await this.runs.stop()
    for (const entry of this.entries.values()) entry.rejectWaiters(new DownloadError('the node stopped'))
    this.save()
    await this.file?.flush()
  }

  get maxActiveDownloads (): number { return this.runs.maxActive }

  /** A lower cap puts the newest active downloads back in the queue. */
  setMaxActiveDownloads (n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('at least one active download')
    this.runs.setMaxActive(n)
  }

  /**
   * A book to download (an ID or a book link); the download of that book if one is listed already,
   * or with `restart`, that download set going again (see ensure).
   */
  add (input: string | BookRef, options: { outDir?: string, restart?: boolean } = {}): DownloadInfo {
    const ref = typeof input === 'string' ? parseBookRef(input) : input
    if (options.restart === true) return this.info(this.ensure(ref, options).id)
    return this.obtain(ref, options).entry.info()
  }

  /**
   * For get(): the book's download, set going if need be (a finished one starts again, a paused
   * one resumes); `started` says whether this call set it going. Asked for another folder, a
   * finished or paused download starts afresh there; a running one refuses.
   */
  ensure (ref: BookRef, options: { outDir?: string } = {}): { id: string, started: boolean } {
    const existing = this.entries.get(ref.id)
    const elsewhere = existing != null && options.outDir != null && options.outDir !== existing.outDir
    if (existing != null && elsewhere && (existing.state === 'queued' || existing.state === 'active')) {
      throw new DownloadStateError(`${ref.id} is already being downloaded into ${existing.outDir}`)
    }
    const { entry, created } = this.obtain(ref, options, elsewhere)
    if (created) return { id: entry.id, started: true }
    if (entry.state !== 'paused' && !entry.finished) return { id: entry.id, started: false }
    entry.result = undefined
    this.requeue(entry)
    return { id: entry.id, started: true }
  }

  /** The listed download of the book, or a new one (replacing a cancelled one, or any when `replace`). */
  private obtain (ref: BookRef, options: { outDir?: string }, replace = false): { entry: ManagedDownload, created: boolean } {
    const existing = this.entries.get(ref.id)
    if (existing != null && existing.state !== 'cancelled' && !replace) {
      if (existing.learn(ref)) this.changed(existing)
      return { entry: existing, created: false }
    }
    const outDir = options.outDir ?? this.init.downloads
    if (outDir == null) throw new DownloadError('no downloads folder: pass outDir or configure downloads')
    // the old download makes way (the new one goes to the end of the queue)
    this.entries.delete(ref.id)
    existing?.settleWaiters(true)
    const entry = new ManagedDownload(ref, outDir, Date.now())
    // a run of the old one lets go of its part file, and a cancelled one's file goes, before this one starts
    if (existing != null) entry.discarding = (async () => { await existing.run; await existing.discarding })()
    this.entries.set(entry.id, entry)
    this.changed(entry)
    this.runs.schedule()
    return { entry, created: true }
  }

  list (): DownloadInfo[] {
    return [...this.entries.values()].map(e => e.info())
  }

  info (id: string): DownloadInfo { return this.entry(id).info() }

  detail (id: string): DownloadDetail { return this.entry(id).detail() }

  pause (id: string): DownloadInfo {
    const entry = this.entry(id)
    if (entry.state !== 'paused') this.halt(entry, ['queued', 'active'], 'paused')
    return entry.info()
  }

  resume (id: string): DownloadInfo {
    const entry = this.entry(id)
    if (entry.state === 'queued' || entry.state === 'active') return entry.info()
    this.expect(entry, ['paused'], 'resume')
    this.requeue(entry)
    return entry.info()
  }

  retry (id: string): DownloadInfo {
    const entry = this.entry(id)
    this.expect(entry, ['failed', 'cancelled'], 'retry')
    this.requeue(entry)
    return entry.info()
  }

  /** Stops the download for good and removes its part file. */
  cancel (id: string): DownloadInfo {
    const entry = this.entry(id)
    if (entry.state !== 'cancelled') this.halt(entry, ['queued', 'active', 'paused', 'failed'], 'cancelled')
    return entry.info()
  }

  /** Takes a download off the list, cancelling it first if it is unfinished. */
  remove (id: string): void {
    const entry = this.entry(id)
    if (entry.state !== 'done' && entry.state !== 'cancelled') this.cancel(id)
    this.forget(entry)
  }

  /** Takes the finished downloads (done, failed, cancelled) off the list; returns how many. */
  clear (): number {
    const finished = [...this.entries.values()].filter(e => e.finished)
    for (const entry of finished) this.forget(entry)
    return finished.length
  }

  /** Resolves with the result once the download is done; rejects when it fails, is paused, cancelled or removed. */
  async wait (id: string, options: { signal?: AbortSignal, onProgress?: (p: DownloadProgress) => void } = {}): Promise<DownloadResult> {
    const entry = this.entry(id)
    options.signal?.throwIfAborted()
    return await new Promise<DownloadResult>((resolve, reject) => {
      const onAbort = (): void => { leave(); reject(options.signal?.reason) }
      const leave = entry.wait({
        resolve: (r) => { options.signal?.removeEventListener('abort', onAbort); resolve(r) },
        reject: (e) => { options.signal?.removeEventListener('abort', onAbort); reject(e) },
        onProgress: options.onProgress
      })
      options.signal?.addEventListener('abort', onAbort, { once: true })
      entry.settleWaiters()
    })
  }

  private entry (id: string): ManagedDownload {
    const entry = this.entries.get(parseBookRef(id).id)
    if (entry == null) throw new NotFoundError(`no download of ${id}`)
    return entry
  }

  private expect (entry: ManagedDownload, states: DownloadState[], action: string): void {
    if (!states.includes(entry.state)) throw new DownloadStateError(`cannot ${action} a download that is ${entry.state}`)
  }

  private halt (entry: ManagedDownload, from: DownloadState[], to: 'paused' | 'cancelled'): void {
    this.expect(entry, from, to === 'paused' ? 'pause' : 'cancel')
    this.runs.halt(entry, to)
  }

  private requeue (entry: ManagedDownload): void {
    entry.state = 'queued'
    entry.error = undefined
    entry.failure = undefined
    entry.finishedAt = undefined
    this.changed(entry)
    this.runs.schedule()
  }

  private forget (entry: ManagedDownload): void {
    this.entries.delete(entry.id)
    entry.settleWaiters(true)
    this.safeDispatchEvent('download:removed', { detail: { id: entry.id } })
    this.save()
  }

  /** Finished downloads kept in the list are bounded: the oldest done or cancelled ones go first. */
  private trimFinished (): void {
    const gone = [...this.entries.values()].filter(e => e.state === 'done' || e.state === 'cancelled')
    for (const entry of gone.slice(0, Math.max(0, gone.length - MAX_FINISHED_DOWNLOADS))) this.forget(entry)
  }

  private changed (entry: ManagedDownload): void {
    this.safeDispatchEvent('download:change', { detail: entry.info() })
    this.save()
  }

  private save (): void {
    if (!this.loaded) return
    this.file?.save(() => [...this.entries.values()].flatMap(e => e.saved() ?? []))
  }
}
