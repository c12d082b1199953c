// One download in detail: its summary, the per-provider ledger (chunks verified and rejected,
// bytes, dropped with the reason) and the chunk map, live while the page watches it.
import { useEffect, useState } from 'preact/hooks'
import { bytes, duration, rate } from '../format.js'
import { useFeed, useLive } from '../live.js'
import { ChunkMap, colourOf } from '../parts/chunk-map.js'
import { DownloadActions } from '../parts/download-actions.js'
import { ErrorLine, PeerId } from '../parts/notice.js'
import { Progress } from './downloads.js'
import type { LedgerEntry } from '../api-types.js'

function Ledger ({ rows }: { rows: LedgerEntry[] }) {
  if (rows.length === 0) return <p class='muted'>No provider has sent anything yet.</p>
  return (
    <div class='scroll'>
      <table class='ledger'>
        <thead><tr><th>provider</th><th class='num'>chunks verified</th><th class='num'>used</th><th class='num'>rejected</th><th class='num'>bytes</th><th>dropped</th></tr></thead>
        <tbody>
          {rows.map(p => (
            <tr key={p.peerId}>
              <td><span class='swatch' aria-hidden='true' style={{ background: colourOf(p.mapIndex) }} /><PeerId id={p.peerId} browse /></td>
              <td class='num'>{p.chunksVerified}</td>
              <td class='num'>{p.chunksUsed}</td>
              <td class='num'>{p.chunksRejected}</td>
              <td class='num'>{bytes(p.bytes)}</td>
              <td>{p.dropped != null ? `${p.dropped.reason.replace('_', ' ')}: ${p.dropped.message}` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function DownloadDetailScreen ({ id }: { id: string }) {
  const feed = useFeed()
  const live = useLive()
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    feed.watch(id)
    return () => { feed.watch(null) }
  }, [id])
  const summary = live.downloads.find(d => d.id === id)
  const detail = live.detail
  return (
    <section aria-labelledby='detail-title'>
      <p><a href='#/downloads'>← Downloads</a></p>
      <h1 id='detail-title'>{summary != null && summary.title !== '' ? summary.title : 'Download'}</h1>
      <p class='mono small'>{id}</p>
      {summary == null && detail === null ? <p class='notice error'>This download is not in the list.</p> : null}
      {summary != null
        ? (
          <div class='summary'>
            <Progress download={summary} />
            <span class={`state ${summary.state}`}>{summary.state}</span>
            <span>{bytes(summary.bytesDone)} / {bytes(summary.size)}</span>
            {summary.state === 'active' ? <span>{rate(summary.bytesPerSecond)}, {duration(summary.etaSeconds)} left</span> : null}
            {summary.resumedBytes > 0 ? <span>{bytes(summary.resumedBytes)} resumed from disk</span> : null}
            {summary.path != null ? <span class='mono small'>saved as {summary.path}</span> : null}
            <DownloadActions download={summary} onError={setError} />
          </div>
          )
        : null}
      <ErrorLine error={error ?? (summary?.state === 'failed' ? summary.error : null)} />
      <h2>Providers</h2>
      {detail != null ? <Ledger rows={detail.providers} /> : <p class='muted'>Loading…</p>}
      <h2>Chunk map</h2>
      {detail != null ? <ChunkMap detail={detail} /> : null}
    </section>
  )
}
