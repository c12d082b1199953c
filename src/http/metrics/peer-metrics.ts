// A peer's arkshare series, on its node's registry: the shelf, index registrations and uploads
// read when scraped; every search of the node timed (the shell's too, from the service's events);
// downloads counted by download-metrics.ts. Labels are bounded sets (a result, a direction, a
// reason), never a peer ID, a book ID or a query.
import { Histogram, type Registry } from 'prom-client'
import { DownloadMetrics } from './download-metrics.js'
import { stateGauge, totalsCounter } from './totals.js'
import type { ArkshareNode } from '../../node/create-node.js'
import type { ArkshareEvents } from '../../peer/index.js'
import type { Startable } from '@libp2p/interface'

export class PeerMetrics implements Startable {
  private readonly searches: Histogram
  private readonly downloads: DownloadMetrics
  private readonly onSearch: (evt: ArkshareEvents['search']) => void

  constructor (registry: Registry, private readonly node: ArkshareNode) {
    const arkshare = node.services.arkshare
    const readings: Array<[string, string, () => number]> = [
      ['arkshare_shelf_books', 'Books on this peer\'s shelf', () => arkshare.list().length],
      ['arkshare_shelf_bytes', 'Bytes of the books on this peer\'s shelf', () => arkshare.list().reduce((n, e) => n + e.size, 0)],
      ['arkshare_indexes_registered', 'Indexes holding this peer\'s registration now', () => arkshare.indexes().filter(i => i.registered).length],
      ['arkshare_upload_slots_used', 'Upload slots serving a peer now', () => arkshare.uploads().slots.used],
      ['arkshare_upload_queue_length', 'Requests waiting for an upload slot', () => arkshare.uploads().queue.length]
    ]
    for (const [name, help, read] of readings) stateGauge(registry, name, help, read)
    this.searches = new Histogram({ name: 'arkshare_search_duration_seconds', help: 'Searches of every index (the API\'s and the shell\'s), start to merged answer', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15], registers: [registry] })
    this.onSearch = (evt) => { this.searches.observe(evt.detail.durationMs / 1000) }
    this.downloads = new DownloadMetrics(registry, arkshare)
    totalsCounter(registry, 'arkshare_transfer_bytes_total', 'Book bytes moved, by direction (down: received, duplicates and rejected chunks included; up: chunks sent)',
      'direction', ['down', 'up'], () => ({ down: this.downloads.bytesReceived, up: arkshare.uploads().bytesSent }))
  }

  start (): void {
    this.node.services.arkshare.addEventListener('search', this.onSearch)
    this.downloads.start()
  }

  stop (): void {
    this.node.services.arkshare.removeEventListener('search', this.onSearch)
    this.downloads.stop()
  }
}
