// A peer's arkshare series, on its node's registry: the shelf and index registrations read when
// scraped; searches timed; downloads counted from the service's events. Labels are bounded sets
// (a result, a direction, a reason), never a peer ID, a book ID or a query.
import { Counter, Histogram, type Registry } from 'prom-client'
import { stateGauge, totalsCounter } from './totals.js'
import type { ArkshareNode } from '../../node/create-node.js'
import type { DownloadProgress, DownloadResult } from '../../peer/index.js'

/** Downloads followed at once, against a flood of IDs whose end we never hear. */
const MAX_FOLLOWED = 1_000

/** What the series last saw of a running download, to count only what is new in each report. */
interface Followed { startedAt: number, bytesFetched: number, chunksDone: number }

export class PeerMetrics {
  private readonly searches: Histogram
  private readonly downloads: Counter<'result'>
  private readonly downloadSeconds: Histogram
  /** Book bytes received: counted from download reports (sent bytes are the service's count). */
  private bytesReceived = 0
  private readonly chunksVerified: Counter
  private readonly followed = new Map<string, Followed>()

  constructor (registry: Registry, private readonly node: ArkshareNode) {
    const registers = [registry]
    const arkshare = node.services.arkshare
    const readings: Array<[string, string, () => number]> = [
      ['arkshare_shelf_books', 'Books on this peer\'s shelf', () => arkshare.list().length],
      ['arkshare_shelf_bytes', 'Bytes of the books on this peer\'s shelf', () => arkshare.list().reduce((n, e) => n + e.size, 0)],
      ['arkshare_indexes_registered', 'Indexes holding this peer\'s registration now', () => arkshare.indexes().filter(i => i.registered).length],
      ['arkshare_upload_slots_used', 'Upload slots serving a peer now', () => arkshare.uploads().slots.used],
      ['arkshare_upload_queue_length', 'Requests waiting for an upload slot', () => arkshare.uploads().queue.length]
    ]
    for (const [name, help, read] of readings) stateGauge(registry, name, help, read)
    this.searches = new Histogram({ name: 'arkshare_search_duration_seconds', help: 'Searches of every index, start to merged answer', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15], registers })
    this.downloads = new Counter({ name: 'arkshare_downloads_total', help: 'Downloads ended, by result', labelNames: ['result'], registers })
    for (const result of ['done', 'failed', 'cancelled']) this.downloads.inc({ result }, 0)
    this.downloadSeconds = new Histogram({ name: 'arkshare_download_duration_seconds', help: 'Finished downloads, first verified report to the book in place', buckets: [0.5, 1, 5, 15, 60, 300, 1800, 7200], registers })
    totalsCounter(registry, 'arkshare_transfer_bytes_total', 'Book bytes moved, by direction (down: received, duplicates and rejected chunks included; up: chunks sent)',
      'direction', ['down', 'up'], () => ({ down: this.bytesReceived, up: arkshare.uploads().bytesSent }))
    this.chunksVerified = new Counter({ name: 'arkshare_chunks_verified_total', help: 'Chunks received, verified and written', registers })
    this.onProgress = this.onProgress.bind(this)
    this.onDone = this.onDone.bind(this)
  }

  start (): void {
    this.node.services.arkshare.addEventListener('download:progress', this.onProgress)
    this.node.services.arkshare.addEventListener('download:done', this.onDone)
  }

  stop (): void {
    this.node.services.arkshare.removeEventListener('download:progress', this.onProgress)
    this.node.services.arkshare.removeEventListener('download:done', this.onDone)
    this.followed.clear()
  }

  async timeSearch<T> (search: () => Promise<T>): Promise<T> {
    const end = this.searches.startTimer()
    try {
      return await search()
    } finally {
      end()
    }
  }

  private onProgress (evt: CustomEvent<DownloadProgress>): void {
    const p = evt.detail
    const seen = this.followed.get(p.id)
    if (seen == null) {
      if (this.followed.size >= MAX_FOLLOWED) this.followed.delete(this.followed.keys().next().value as string)
      // chunks found on disk at a resume were verified before: only what arrives from now counts
      this.followed.set(p.id, { startedAt: performance.now(), bytesFetched: p.bytesFetched, chunksDone: p.chunksDone })
      this.bytesReceived += p.bytesFetched
      return
    }
    this.count(seen, p.bytesFetched, p.chunksDone)
  }

  private onDone (evt: CustomEvent<DownloadResult>): void {
    const result = evt.detail
    const seen = this.followed.get(result.id)
    this.followed.delete(result.id)
    this.downloads.inc({ result: 'done' })
    if (seen == null) return
    // the last chunk was reported as it was written; the bytes of end-game duplicates may come later
    this.count(seen, result.bytesFetched, seen.chunksDone)
    this.downloadSeconds.observe((performance.now() - seen.startedAt) / 1000)
  }

  private count (seen: Followed, bytesFetched: number, chunksDone: number): void {
    if (bytesFetched > seen.bytesFetched) this.bytesReceived += bytesFetched - seen.bytesFetched
    if (chunksDone > seen.chunksDone) this.chunksVerified.inc(chunksDone - seen.chunksDone)
    seen.bytesFetched = Math.max(seen.bytesFetched, bytesFetched)
    seen.chunksDone = Math.max(seen.chunksDone, chunksDone)
  }
}
