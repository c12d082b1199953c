// The chunk map: one cell a chunk, coloured by the provider that delivered it (grey: found on
// disk; blank: not yet), with a legend naming each provider by the same colour.
import { useEffect, useRef } from 'preact/hooks'
import { PeerId } from './notice.js'
import type { DownloadDetail } from '../api-types.js'

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79', '#637939', '#843c39']
const FROM_DISK = '#9e9e9e'
const OTHERS = '#555555'
const EMPTY = 'rgba(127, 127, 127, 0.18)'

export function colourOf (mapIndex: number): string {
  return PALETTE[(mapIndex - 1) % PALETTE.length]
}

function decode (base64: string): Uint8Array {
  const text = atob(base64)
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  return out
}

/** Columns and cell size: small books get big cells, a 32 GiB book still fits a screen's width. */
function layout (chunks: number): { cols: number, cell: number } {
  const cols = chunks <= 256 ? 32 : chunks <= 4096 ? 64 : 512
  return { cols, cell: Math.max(1, Math.floor(640 / cols)) }
}

export function ChunkMap ({ detail }: { detail: DownloadDetail }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const owners = decode(detail.chunkMap.owners)
  const counts = new Map<number, number>()
  for (const o of owners) counts.set(o, (counts.get(o) ?? 0) + 1)

  useEffect(() => {
    const el = canvas.current
    const ctx = el?.getContext('2d')
    if (el == null || ctx == null) return
    const { cols, cell } = layout(owners.length)
    el.width = cols * cell
    el.height = Math.max(1, Math.ceil(owners.length / cols)) * cell
    ctx.clearRect(0, 0, el.width, el.height)
    const gap = cell >= 6 ? 1 : 0
    owners.forEach((owner, i) => {
      ctx.fillStyle = owner === 0 ? EMPTY : owner === detail.chunkMap.fromDisk ? FROM_DISK : owner === detail.chunkMap.others ? OTHERS : colourOf(owner)
      ctx.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell - gap, cell - gap)
    })
  })

  if (owners.length === 0) return <p class='muted'>No chunk map yet: the download has not run.</p>
  const summary = `${owners.length - (counts.get(0) ?? 0)} of ${owners.length} chunks verified`
  return (
    <figure class='chunk-map'>
      <canvas ref={canvas} role='img' aria-label={`chunk map: ${summary}`} />
      <figcaption>
        <span>{summary}</span>
        <ul class='legend'>
          {detail.chunkMap.providers.map((peerId, i) => counts.has(i + 1)
            ? <li key={peerId}><Swatch colour={i + 1 === detail.chunkMap.others ? OTHERS : colourOf(i + 1)} /><PeerId id={peerId} /> {counts.get(i + 1)}</li>
            : null)}
          {counts.has(detail.chunkMap.fromDisk) ? <li><Swatch colour={FROM_DISK} />from disk {counts.get(detail.chunkMap.fromDisk)}</li> : null}
          <li><Swatch colour={EMPTY} />not yet {counts.get(0) ?? 0}</li>
        </ul>
      </figcaption>
    </figure>
  )
}

function Swatch ({ colour }: { colour: string }) {
  // a style property set through the DOM, which the page's CSP (no inline style attributes) allows
  return <span class='swatch' aria-hidden='true' style={{ background: colour }} />
}
