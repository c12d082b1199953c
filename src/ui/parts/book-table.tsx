// Books as rows (search results, a provider's shelf): title, author, format, size, providers,
// best latency, whether it is on my shelf; a row opens to show its providers; rows can be
// selected to get several at once. Every string from the network is rendered as text.
import { useState } from 'preact/hooks'
import { bytes, latency, rate } from '../format.js'
import { href } from '../route.js'
import { PeerId } from './notice.js'
import type { BookEntry, Download, Network } from '../api-types.js'

export interface BookTableProps {
  rows: BookEntry[]
  selected: Set<string>
  onSelect: (id: string, on: boolean) => void
  network?: Network
  downloads: Download[]
}

function Providers ({ entry, network, downloads }: { entry: BookEntry, network?: Network, downloads: Download[] }) {
  const queued = downloads.find(d => d.id === entry.book.id)?.queued ?? []
  return (
    <table class='providers'>
      <thead><tr><th>provider</th><th>latency</th><th>throughput</th><th>queue place</th></tr></thead>
      <tbody>
        {entry.providers.map(p => {
          const measured = network?.peers.find(m => m.peerId === p.peerId)
          const place = queued.find(q => q.peerId === p.peerId)?.position
          return (
            <tr key={p.peerId}>
              <td><PeerId id={p.peerId} browse /></td>
              <td>{latency(p.latencyMs ?? measured?.latencyMs)}</td>
              <td>{measured?.bytesPerSecond != null ? rate(measured.bytesPerSecond) : '–'}</td>
              <td>{place ?? '–'}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

export function BookTable ({ rows, selected, onSelect, network, downloads }: BookTableProps) {
  const [open, setOpen] = useState<Set<string>>(new Set())
  const toggle = (id: string): void => {
    const next = new Set(open)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setOpen(next)
  }
  return (
    <div class='scroll'>
      <table class='books'>
        <thead>
          <tr><th><span class='sr'>select</span></th><th>title</th><th>author</th><th>format</th><th class='num'>size</th><th class='num'>providers</th><th class='num'>best latency</th></tr>
        </thead>
        {rows.map(entry => {
          const { book } = entry
          const isOpen = open.has(book.id)
          return (
            <tbody key={book.id} class='book'>
              <tr>
                <td><input type='checkbox' aria-label={`select ${book.title}`} checked={selected.has(book.id)} onChange={(e) => { onSelect(book.id, e.currentTarget.checked) }} /></td>
                <td class='title'><a href={href(['book', book.id])}>{book.title !== '' ? book.title : book.fileName}</a>{entry.onShelf ? <span class='tag'>on my shelf</span> : null}</td>
                <td>{book.author}</td>
                <td>{book.format}</td>
                <td class='num'>{bytes(book.size)}</td>
                <td class='num'>
                  <button type='button' class='link' aria-expanded={isOpen} onClick={() => { toggle(book.id) }}>
                    {entry.providers.length} {isOpen ? '▾' : '▸'}
                  </button>
                </td>
                <td class='num'>{latency(entry.bestLatencyMs)}</td>
              </tr>
              {isOpen
                ? <tr class='expanded'><td /><td colSpan={6}><Providers entry={entry} network={network} downloads={downloads} /></td></tr>
                : null}
            </tbody>
          )
        })}
      </table>
    </div>
  )
}
