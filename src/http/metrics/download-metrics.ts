// A peer's download series, counted from its download list's events: downloads ended by result,
// the active ones, chunks verified and rejected, providers dropped by reason, book bytes received,
// and how long finished downloads took. Every report carries its run's ledger (counts from the
// run's start), so the series add what grew since the run's last report; a run is known by its
// chunk map, which lives as long as the run (a resumed download is a new run, counted from zero).
import { Counter, Histogram, type Registry } from 'prom-client'
import { stateGauge } from './totals.js'
import type { Arkshare, ArkshareEvents, DownloadProgress, DropReason } from '../../peer/index.js'
import type { Startable } from '@libp2p/interface'

/** What the series have counted of one run so far. */
interface RunTally { chunksVerified: number, chunksRejected: number, bytes: number, dropped: Set<string> }

type Counted = 'download:change' | 'download:progress' | 'download:done' | 'download:failed' | 'download:removed'

const DROP_REASONS: DropReason[] = ['bad_data', 'stalled', 'unreachable']

export class DownloadMetrics implements Startable {
  private readonly ended: Counter<'result'>
  private readonly seconds: Histogram
  private readonly chunksVerified: Counter
  private readonly chunksRejected: Counter
  private readonly dropped: Counter<'reason'>
  /** Book bytes received (duplicates and rejected chunks included), for the transfer series. */
  bytesReceived = 0
  /** Runs by their chunk map: a run's tally goes when the run does, and a late report of it counts only what is new. */
  private readonly runs = new WeakMap<Uint8Array, RunTally>()
  /** Each download's latest run, for the bytes its end reports (end-game duplicates come after the last report). */
  private readonly latest = new Map<string, Uint8Array>()
  /** The state each listed download was last seen in, to count a cancel once. */
  private readonly states = new Map<string, string>()
  private readonly listeners: { [K in Counted]: (evt: ArkshareEvents[K]) => void }

  constructor (registry: Registry, private readonly arkshare: Arkshare) {
    const registers = [registry]
    this.ended = new Counter({ name: 'arkshare_downloads_total', help: 'Downloads ended, by result', labelNames: ['result'], registers })
    for (const result of ['done', 'failed', 'cancelled']) this.ended.inc({ result }, 0)
    stateGauge(registry, 'arkshare_downloads_active', 'Downloads running now', () => arkshare.downloads.list().filter(d => d.state === 'active').length)
    this.seconds = new Histogram({ name: 'arkshare_download_duration_seconds', help: 'Finished downloads, start of the run that finished to the book in place', buckets: [0.5, 1, 5, 15, 60, 300, 1800, 7200], registers })
    this.chunksVerified = new Counter({ name: 'arkshare_chunks_verified_total', help: 'Chunks received that passed verification (end-game duplicates included)', registers })
    this.chunksRejected = new Counter({ name: 'arkshare_chunks_rejected_total', help: 'Chunks received that failed verification', registers })
    this.dropped = new Counter({ name: 'arkshare_providers_dropped_total', help: 'Providers a download stopped using, by reason', labelNames: ['reason'], registers })
    for (const reason of DROP_REASONS) this.dropped.inc({ reason }, 0)
    this.listeners = {
      'download:change': (evt) => { this.changed(evt.detail.id, evt.detail.state) },
      'download:progress': (evt) => { this.count(evt.detail) },
      'download:done': (evt) => {
        const { id, bytesFetched } = evt.detail
        this.ended.inc({ result: 'done' })
        const run = this.runs.get(this.latest.get(id) as Uint8Array)
        if (run != null && bytesFetched > run.bytes) this.bytesReceived += bytesFetched - run.bytes
        if (run != null) run.bytes = Math.max(run.bytes, bytesFetched)
        this.latest.delete(id)
        const { startedAt, finishedAt } = this.arkshare.downloads.info(id)
        if (startedAt != null && finishedAt != null) this.seconds.observe(Math.max(0, finishedAt - startedAt) / 1000)
      },
      'download:failed': (evt) => {
        this.ended.inc({ result: 'failed' })
        this.latest.delete(evt.detail.id)
      },
      'download:removed': (evt) => {
        this.states.delete(evt.detail.id)
        this.latest.delete(evt.detail.id)
      }
    }
  }

  start (): void {
    for (const [name, listener] of Object.entries(this.listeners)) this.arkshare.addEventListener(name as Counted, listener as any)
  }

  stop (): void {
    for (const [name, listener] of Object.entries(this.listeners)) this.arkshare.removeEventListener(name as Counted, listener as any)
    this.states.clear()
    this.latest.clear()
  }

  private changed (id: string, state: string): void {
    if (state === 'cancelled' && this.states.get(id) !== 'cancelled') this.ended.inc({ result: 'cancelled' })
    this.states.set(id, state)
  }

  private count (p: DownloadProgress): void {
    let run = this.runs.get(p.chunkMap.owners)
    if (run == null) {
      run = { chunksVerified: 0, chunksRejected: 0, bytes: 0, dropped: new Set() }
      this.runs.set(p.chunkMap.owners, run)
      this.latest.set(p.id, p.chunkMap.owners)
    }
    let verified = 0
    let rejected = 0
    for (const provider of p.providers) {
      verified += provider.chunksVerified
      rejected += provider.chunksRejected
      if (provider.dropped != null && !run.dropped.has(provider.peerId)) {
        run.dropped.add(provider.peerId)
        this.dropped.inc({ reason: provider.dropped.reason })
      }
    }
    if (verified > run.chunksVerified) this.chunksVerified.inc(verified - run.chunksVerified)
    if (rejected > run.chunksRejected) this.chunksRejected.inc(rejected - run.chunksRejected)
    if (p.bytesFetched > run.bytes) this.bytesReceived += p.bytesFetched - run.bytes
    run.chunksVerified = Math.max(run.chunksVerified, verified)
    run.chunksRejected = Math.max(run.chunksRejected, rejected)
    run.bytes = Math.max(run.bytes, p.bytesFetched)
  }
}
