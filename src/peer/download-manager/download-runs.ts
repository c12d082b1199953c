// The running side of the download manager: at most `maxActive` downloads run at once, queued
// ones start oldest first as places free up; a run is stopped by request (pause, cancel, a lower
// cap, the node stopping) and the state the request set is what its end leaves. A cancelled
// download's part file goes once its run has let go of it, before anything can open it again.
import { normaliseError } from '../../wire/errors.js'
import { PartFile } from '../download/part-file.js'
import type { DownloadRunner } from './download-runner.js'
import type { ManagedDownload } from './managed-download.js'
import type { DownloadProgress, DownloadResult } from '../download/index.js'
import type { Logger } from '@libp2p/interface'

/** What the manager hears from the runs. */
export interface RunHooks {
  /** The downloads in list order. */
  entries: () => Iterable<ManagedDownload>
  changed: (entry: ManagedDownload) => void
  progress: (entry: ManagedDownload, progress: DownloadProgress) => void
  done: (entry: ManagedDownload, result: DownloadResult) => void
  failed: (entry: ManagedDownload, error: Error) => void
}

/** Why a run was stopped: its end then leaves the state the request set. */
class StopRequest extends Error {
  override name = 'StopRequest'
}

export class DownloadRuns {
  private running = 0
  private started = false

  constructor (private readonly runner: DownloadRunner, private readonly hooks: RunHooks, public maxActive: number, private readonly log: Logger) {}

  start (): void {
    this.started = true
    this.schedule()
  }

  /** Stops every run (their states stay as they are) and waits for them to end. */
  async stop (): Promise<void> {
    this.started = false
    const runs: Array<Promise<void>> = []
    for (const entry of this.hooks.entries()) {
      if (entry.run != null) runs.push(entry.run)
      entry.controller?.abort(new StopRequest('the node is stopping'))
    }
    await Promise.all(runs)
  }

  /** A lower cap puts the newest active downloads back in the queue. */
  setMaxActive (n: number): void {
    this.maxActive = n
    const active = [...this.hooks.entries()].filter(e => e.state === 'active')
    for (const entry of active.slice(n).reverse()) this.halt(entry, 'queued')
    this.schedule()
  }

  /** Sets the state a stopped download is left in; a running one is told to stop. */
  halt (entry: ManagedDownload, state: 'paused' | 'cancelled' | 'queued'): void {
    const running = entry.state === 'active'
    entry.state = state
    if (state === 'cancelled') entry.finishedAt = Date.now()
    if (running) entry.controller?.abort(new StopRequest(`the download was ${state}`))
    if (state === 'cancelled') {
      // the part file goes once no run holds it open (a paused run may still be ending)
      entry.discardPart = true
      if (entry.run == null) this.discardPart(entry)
    }
    this.hooks.changed(entry)
    entry.settleWaiters()
  }

  /** Starts queued downloads, oldest first, while there is room (a run still ending holds its place). */
  schedule (): void {
    if (!this.started) return
    for (const entry of this.hooks.entries()) {
      if (this.running >= this.maxActive) return
      if (entry.state === 'queued' && entry.run == null) this.startRun(entry)
    }
  }

  private startRun (entry: ManagedDownload): void {
    const controller = new AbortController()
    entry.state = 'active'
    entry.startedAt = Date.now()
    entry.controller = controller
    this.running++
    this.hooks.changed(entry)
    const run = this.launch(entry, controller.signal)
    entry.run = run.then((result) => { this.succeeded(entry, result) }, (err) => { this.ended(entry, err, controller.signal) })
      .finally(() => {
        entry.run = undefined
        entry.controller = undefined
        this.running--
        if (entry.discardPart) this.discardPart(entry)
        this.schedule()
      })
  }

  private async launch (entry: ManagedDownload, signal: AbortSignal): Promise<DownloadResult> {
    // a part file still being removed (cancelled, then retried at once) is gone before we open it
    await entry.discarding
    signal.throwIfAborted()
    return await this.runner.run({
      ref: entry.ref,
      outDir: entry.outDir,
      fileName: entry.fileName !== '' ? entry.fileName : undefined,
      signal,
      onFound: (book) => { this.learned(entry, { title: entry.title === '' ? book.title : entry.title, size: book.size }) },
      onProgress: (progress) => {
        entry.reportProgress(progress)
        if (entry.fileName !== progress.fileName || entry.size !== progress.totalBytes) this.learned(entry, { fileName: progress.fileName, size: progress.totalBytes })
        this.hooks.progress(entry, progress)
      }
    })
  }

  private succeeded (entry: ManagedDownload, result: DownloadResult): void {
    // the book is complete and published, whatever was asked meanwhile
    entry.state = 'done'
    entry.result = result
    entry.error = undefined
    entry.finishedAt = Date.now()
    this.hooks.done(entry, result)
  }

  private ended (entry: ManagedDownload, err: unknown, signal: AbortSignal): void {
    // paused, cancelled, queued again or the node stopping: the request set the state
    if (signal.aborted && signal.reason instanceof StopRequest) return
    const e = normaliseError(err)
    entry.state = 'failed'
    entry.error = e.message
    entry.failure = e
    entry.finishedAt = Date.now()
    this.log('download of %s failed: %s', entry.id, e.message)
    this.hooks.failed(entry, e)
  }

  private learned (entry: ManagedDownload, what: { title?: string, fileName?: string, size?: number }): void {
    Object.assign(entry, what)
    this.hooks.changed(entry)
  }

  private discardPart (entry: ManagedDownload): void {
    entry.discardPart = false
    if (entry.fileName === '') return
    entry.discarding = PartFile.remove(entry.outDir, entry.fileName, entry.id)
      .catch((err) => { this.log.error('cannot remove the part file of %s: %e', entry.id, err) })
      .finally(() => { entry.discarding = undefined })
  }
}
