// Downloads: every download in the list with its state, a bar, rate, time left, providers,
// queue places and bytes resumed from disk, the actions its state allows, and Clear for the
// finished ones. Everything moves with the event stream.
import { useState } from 'preact/hooks'
import { api, messageOf } from '../api.js'
import { bytes, duration, percent, rate } from '../format.js'
import { useFeed, useLive } from '../live.js'
import { href } from '../route.js'
import { DownloadActions } from '../parts/download-actions.js'
import { ErrorLine } from '../parts/notice.js'
import type { Download } from '../api-types.js'

export function Progress ({ download }: { download: Download }) {
  const pct = download.state === 'done' ? 100 : percent(download.bytesDone, download.size)
  return (
    <span class='progress'>
      <progress max={100} value={pct} aria-label={`${pct} %`} />
      <span class='pct'>{pct} %</span>
    </span>
  )
}

function Row ({ download, onError }: { download: Download, onError: (m: string | null) => void }) {
  const running = download.state === 'active'
  return (
    <tr data-id={download.id} data-state={download.state}>
      <td class='title'><a href={href(['downloads', download.id])}>{download.title !== '' ? download.title : download.id}</a>
        {download.error != null && download.state === 'failed' ? <div class='error small'>{download.error}</div> : null}
      </td>
      <td><span class={`state ${download.state}`}>{download.state}</span></td>
      <td><Progress download={download} /></td>
      <td class='num'>{bytes(download.bytesDone)} / {download.size > 0 ? bytes(download.size) : '?'}</td>
      <td class='num'>{running ? rate(download.bytesPerSecond) : '–'}</td>
      <td class='num'>{running ? duration(download.etaSeconds) : '–'}</td>
      <td class='num'>{download.activeProviders}</td>
      <td>{download.queued.length > 0 ? download.queued.map(q => `#${q.position}`).join(', ') : '–'}</td>
      <td class='num'>{download.resumedBytes > 0 ? bytes(download.resumedBytes) : '–'}</td>
      <td><DownloadActions download={download} onError={onError} /></td>
    </tr>
  )
}

export function Downloads () {
  const feed = useFeed()
  const { downloads } = useLive()
  const [error, setError] = useState<string | null>(null)
  const clear = async (): Promise<void> => {
    try {
      feed.setDownloads((await api.post<{ downloads: Download[] }>('/downloads/clear')).downloads)
      setError(null)
    } catch (err) {
      setError(messageOf(err))
    }
  }
  const finished = downloads.filter(d => d.state === 'done' || d.state === 'failed' || d.state === 'cancelled').length
  return (
    <section aria-labelledby='downloads-title'>
      <h1 id='downloads-title'>Downloads</h1>
      <div class='toolbar'>
        <span class='muted'>{downloads.length} in the list, {downloads.filter(d => d.state === 'active').length} running</span>
        <span class='spacer' />
        <button type='button' disabled={finished === 0} onClick={() => { void clear() }}>Clear finished ({finished})</button>
      </div>
      <ErrorLine error={error} />
      {downloads.length === 0
        ? <p class='muted'>Nothing yet: search for a book and Get it.</p>
        : (
          <div class='scroll'>
            <table class='downloads'>
              <thead>
                <tr><th>title</th><th>state</th><th>progress</th><th class='num'>bytes</th><th class='num'>rate</th><th class='num'>time left</th><th class='num'>providers</th><th>queue places</th><th class='num'>resumed</th><th><span class='sr'>actions</span></th></tr>
              </thead>
              <tbody>
                {[...downloads].sort((a, b) => b.addedAt - a.addedAt).map(d => <Row key={d.id} download={d} onError={setError} />)}
              </tbody>
            </table>
          </div>
          )}
    </section>
  )
}
