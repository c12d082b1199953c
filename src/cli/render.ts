// Turns search results, shelves and peers into CLI output (JSON objects or tables).
import { formatDuration, formatSize, shortId, table, type Output } from './output.js'
import type { ConnectionKind, DownloadInfo, IndexCounts, Reachability, ReachabilityStatus, SearchResults, ShelfEntry } from '../peer/index.js'

function searchResultObjects (results: SearchResults): Array<Record<string, unknown>> {
  return results.results.map(r => ({
    id: r.book.id,
    title: r.book.title,
    author: r.book.author,
    format: r.book.format,
    size: r.book.size,
    fileName: r.book.fileName,
    language: r.book.language,
    providers: r.providers.map(p => ({ peerId: p.peerId, multiaddrs: p.multiaddrs, latencyMs: p.latencyMs ?? null, reachability: p.reachability ?? 'unknown', relayOnly: p.reachability === 'relay-only' }))
  }))
}

export function printSearchResults (output: Output, results: SearchResults, offset = 0): void {
  for (const failure of results.failures) output.info(`(index ${failure.index} did not answer: ${failure.error})`)
  if (output.json) {
    for (const object of searchResultObjects(results)) output.emit(object)
    return
  }
  if (results.results.length === 0) {
    output.info('No books found.')
    return
  }
  output.info(table([
    { header: '#', align: 'right' },
    { header: 'Title', max: 40 },
    { header: 'Author', max: 24 },
    { header: 'Format' },
    { header: 'Size', align: 'right' },
    { header: 'Peers', align: 'right' },
    { header: 'Best RTT', align: 'right' },
    { header: 'ID', max: 200 }
  ], results.results.map((r, i) => {
    i += offset
    const rtts = r.providers.map(p => p.latencyMs).filter((x): x is number => x != null)
    // providers behind symmetric NATs: reachable only through a relay (and by public peers)
    const relayOnly = r.providers.filter(p => p.reachability === 'relay-only').length
    return [String(i + 1), r.book.title, r.book.author, r.book.format, formatSize(r.book.size), `${r.providers.length}${relayOnly > 0 ? ` (${relayOnly} relay only)` : ''}`,
      rtts.length > 0 ? `${Math.min(...rtts)} ms` : '-', r.book.id]
  })))
  const more = results.total - offset - results.results.length
  output.info(`${results.results.length} of ${results.totalIsEstimate === true ? 'about ' : ''}${results.total} book(s)${more > 0 ? ` (${more} more: --offset ${offset + results.results.length}, or refine the search)` : ''}. Download with: get <# or id>`)
}

export function printShelf (output: Output, entries: ShelfEntry[]): void {
  if (output.json) {
    for (const e of entries) output.emit({ id: e.id, title: e.title, author: e.author, format: e.format, size: e.size, path: e.path })
    return
  }
  if (entries.length === 0) {
    output.info('This peer shares no books.')
    return
  }
  output.info(table([
    { header: 'Title', max: 40 }, { header: 'Author', max: 24 }, { header: 'Format' }, { header: 'Size', align: 'right' }, { header: 'ID', max: 200 }
  ], entries.map(e => [e.title, e.author, e.format, formatSize(e.size), e.id])))
  output.info(`${entries.length} book(s) shared.`)
}

export interface PeerRow { peerId: string, addresses: string[], latencyMs?: number, role: string, connection: ConnectionKind }

export function printPeers (output: Output, peers: PeerRow[]): void {
  if (output.json) {
    for (const p of peers) output.emit({ peerId: p.peerId, addresses: p.addresses, latencyMs: p.latencyMs ?? null, role: p.role, connection: p.connection })
    // the list is followed by a summary, so a script knows it ended (even when empty)
    output.emit({ event: 'peers', peers: peers.length })
    return
  }
  if (peers.length === 0) {
    output.info('Not connected to any peer.')
    return
  }
  output.info(table([
    { header: 'Peer' }, { header: 'Role' }, { header: 'Connection' }, { header: 'Latency', align: 'right' }, { header: 'Address', max: 50 }
  ], peers.map(p => [shortId(p.peerId, 16), p.role, p.connection, p.latencyMs != null ? `${p.latencyMs} ms` : '-', p.addresses[0] ?? ''])))
}

const REACHABILITY_TEXT: Record<Reachability, string> = {
  local: 'local only (listening on loopback or nowhere)',
  public: 'public: peers connect directly',
  upnp: 'UPnP-mapped: the home router forwards a port, peers connect directly',
  'hole-punching': 'behind a NAT, reachable by hole punching (WebRTC, DCUtR) through the index\'s relay',
  'relay-only': 'behind a symmetric NAT: reachable through the index\'s relay only (and by public peers, by reversal)',
  unknown: 'not known yet (behind a NAT: reachable through the index\'s relay)'
}

export function printReachability (output: Output, status: ReachabilityStatus): void {
  output.emit({ event: 'reachability', ...status }, () => [
    `Reachability: ${REACHABILITY_TEXT[status.reachability]}`,
    ...status.publicAddresses.map(a => `  at ${a}`),
    status.relays.length > 0 ? `  relay reservation on ${status.relays.map(r => shortId(r, 16)).join(', ')}` : (status.relayError != null ? `  no relay reservation: ${status.relayError}` : '')
  ].filter(line => line !== '').join('\n'))
}

export function printIndexStats (output: Output, stats: Array<{ index: string, stats?: IndexCounts, error?: string }>): void {
  for (const s of stats) {
    if (s.stats == null) {
      output.emit({ event: 'stats', index: s.index, error: s.error ?? 'no answer' }, () => `${s.index}: ${s.error ?? 'no answer'}`)
      continue
    }
    const st = s.stats
    output.emit({ event: 'stats', index: s.index, ...st },
      () => `${s.index}: ${st.peersOnline} peer(s) online (${st.peersRegistered} registered), ${st.books} book(s), ${st.providers} provider record(s); ` +
        `relay: ${st.relayReservations} reservation(s), ${st.relayCircuits} connection(s) open, ${formatSize(st.relayedBytes)} relayed (at most ${formatSize(st.relayLargestCircuitBytes)} on one)`)
  }
}

function percent (d: DownloadInfo): string {
  return d.size > 0 ? `${Math.floor((d.bytesDone / d.size) * 100)}%` : d.state === 'done' ? '100%' : '-'
}

export function printDownloads (output: Output, downloads: DownloadInfo[]): void {
  if (output.json) {
    for (const d of downloads) output.emit({ event: 'download', ...d })
    return
  }
  if (downloads.length === 0) {
    output.info('No downloads.')
    return
  }
  output.info(table([
    { header: '#', align: 'right' }, { header: 'State' }, { header: 'Done', align: 'right' }, { header: 'Size', align: 'right' },
    { header: 'Rate', align: 'right' }, { header: 'ETA', align: 'right' }, { header: 'Peers', align: 'right' }, { header: 'Name', max: 40 }, { header: 'ID', max: 200 }
  ], downloads.map((d, i) => [
    String(i + 1), d.state, percent(d), d.size > 0 ? formatSize(d.size) : '-',
    d.state === 'active' ? `${formatSize(Math.round(d.bytesPerSecond))}/s` : '-',
    d.etaSeconds != null ? formatDuration(d.etaSeconds) : '-',
    d.state === 'active' ? String(d.activeProviders) : '-',
    d.state === 'failed' ? `${d.fileName !== '' ? d.fileName : d.title} (${d.error ?? 'failed'})` : d.fileName !== '' ? d.fileName : d.title, d.id
  ])))
}
