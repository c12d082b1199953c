// The JSON a peer's API answers with, made from what its service shows. Titles, authors and file
// names from the network go out as plain JSON strings: the page renders them as text, never HTML.
import type { ArkshareNode } from '../../node/create-node.js'
import type { SearchResultEntry, SearchResults, ShelfEntry } from '../../peer/index.js'

export function entryView (entry: SearchResultEntry, onShelf: boolean): Record<string, unknown> {
  const latencies = entry.providers.map(p => p.latencyMs).filter((ms): ms is number => ms != null)
  return {
    book: entry.book,
    providers: entry.providers.map(p => ({ peerId: p.peerId, multiaddrs: p.multiaddrs, latencyMs: p.latencyMs ?? null })),
    bestLatencyMs: latencies.length > 0 ? Math.min(...latencies) : null,
    onShelf
  }
}

export function resultsView (results: SearchResults, shelfIds: Set<string>): Record<string, unknown> {
  return {
    results: results.results.map(r => entryView(r, shelfIds.has(r.book.id))),
    total: results.total,
    totalIsEstimate: results.totalIsEstimate === true,
    failures: results.failures
  }
}

/** A shelf entry as a book record: its path and manifest stay here. */
export function bookOf (entry: ShelfEntry): SearchResultEntry['book'] {
  const { id, title, author, format, size, fileName, language } = entry
  return { id, title, author, format, size, fileName, language }
}

/** A shelf entry as the page shows it (the page needs only the file's name). */
export function shelfEntryView (entry: ShelfEntry): Record<string, unknown> {
  return { ...bookOf(entry), modifiedAt: new Date(entry.mtimeMs).toISOString() }
}

export function shelfSummary (entries: ShelfEntry[]): { books: number, bytes: number } {
  return { books: entries.length, bytes: entries.reduce((n, e) => n + e.size, 0) }
}

export function networkView (node: ArkshareNode): Record<string, unknown> {
  const dht = node.services.dht
  const arkshare = node.services.arkshare
  return {
    peerId: node.peerId.toString(),
    multiaddrs: node.getMultiaddrs().map(a => a.toString()),
    indexes: arkshare.indexes(),
    connections: node.getConnections().map(c => ({
      peerId: c.remotePeer.toString(),
      address: c.remoteAddr.toString(),
      direction: c.direction,
      relayed: c.limits != null,
      openedAt: new Date(c.timeline.open).toISOString()
    })),
    peers: arkshare.peers().measured.map(({ peerId, rttMs, bytesPerSecond, updatedAt }) => ({
      peerId,
      latencyMs: rttMs != null ? Math.round(rttMs) : null,
      bytesPerSecond: bytesPerSecond ?? null,
      measuredAt: new Date(updatedAt).toISOString()
    })),
    badPeers: arkshare.peers().bad.map(({ peerId, reason, until }) => ({ peerId, reason, until: new Date(until).toISOString() })),
    dht: dht != null ? { enabled: true, mode: dht.getMode() } : { enabled: false }
  }
}
