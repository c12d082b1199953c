// Uploads: slots used of the total, who waits for one (with their places), and who is being sent
// what, at what rate. From the event stream.
import { bytes, rate } from '../format.js'
import { useLive } from '../live.js'
import { PeerId } from '../parts/notice.js'

export function UploadsScreen () {
  const { uploads } = useLive()
  return (
    <section aria-labelledby='uploads-title'>
      <h1 id='uploads-title'>Uploads</h1>
      {uploads == null
        ? <p class='muted'>Loading…</p>
        : (
          <>
            <dl class='figures'>
              <div><dt>slots used</dt><dd>{uploads.slots.used} of {uploads.slots.total}</dd></div>
              <div><dt>waiting</dt><dd>{uploads.queue.length}</dd></div>
              <div><dt>sent since start</dt><dd>{bytes(uploads.bytesSent)}</dd></div>
            </dl>
            <h2>Being served</h2>
            {uploads.peers.length === 0
              ? <p class='muted'>Nobody is downloading from this peer now.</p>
              : (
                <div class='scroll'>
                  <table>
                    <thead><tr><th>peer</th><th class='num'>streams</th><th class='num'>bytes</th><th class='num'>rate</th></tr></thead>
                    <tbody>{uploads.peers.map(p => <tr key={p.peerId}><td><PeerId id={p.peerId} /></td><td class='num'>{p.streams}</td><td class='num'>{bytes(p.bytes)}</td><td class='num'>{rate(p.bytesPerSecond)}</td></tr>)}</tbody>
                  </table>
                </div>
                )}
            <h2>Queue</h2>
            {uploads.queue.length === 0
              ? <p class='muted'>Nobody is waiting for a slot.</p>
              : <ol class='queue'>{uploads.queue.map(q => <li key={q.peerId}>#{q.position} <PeerId id={q.peerId} /></li>)}</ol>}
          </>
          )}
    </section>
  )
}
