// The network: this peer's addresses, its indexes (registered, lease, books, last error), the
// peers it measured (latency, throughput), the bad peers it avoids (reason, until), the DHT.
import { latency, rate } from '../format.js'
import { useLive } from '../live.js'
import { PeerId } from '../parts/notice.js'

export function NetworkScreen () {
  const { network } = useLive()
  if (network == null) return <section><h1>Network</h1><p class='muted'>Loading…</p></section>
  return (
    <section aria-labelledby='network-title'>
      <h1 id='network-title'>Network</h1>
      <p>This peer: <span class='mono'>{network.peerId}</span></p>
      <details><summary>{network.multiaddrs.length} addresses</summary><ul class='mono small'>{network.multiaddrs.map(a => <li key={a}>{a}</li>)}</ul></details>
      <h2>Indexes</h2>
      <div class='scroll'>
        <table>
          <thead><tr><th>index</th><th>registered</th><th class='num'>books listed</th><th class='num'>lease</th><th>last error</th></tr></thead>
          <tbody>
            {network.indexes.map(i => (
              <tr key={i.address}>
                <td class='mono small'>{i.address}</td>
                <td>{i.registered ? 'yes' : 'no'}</td>
                <td class='num'>{i.books}</td>
                <td class='num'>{i.leaseSeconds} s</td>
                <td>{i.lastError ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Peers</h2>
      {network.peers.length === 0
        ? <p class='muted'>No peer measured yet.</p>
        : (
          <div class='scroll'>
            <table>
              <thead><tr><th>peer</th><th class='num'>latency</th><th class='num'>throughput</th><th>connection</th></tr></thead>
              <tbody>
                {network.peers.map(p => {
                  const conn = network.connections.find(c => c.peerId === p.peerId)
                  return (
                    <tr key={p.peerId}>
                      <td><PeerId id={p.peerId} browse /></td>
                      <td class='num'>{latency(p.latencyMs)}</td>
                      <td class='num'>{p.bytesPerSecond != null ? rate(p.bytesPerSecond) : '–'}</td>
                      <td>{conn == null ? 'not connected' : `${conn.direction}${conn.relayed ? ', relayed' : ''}`}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
          )}
      <h2>Bad peers</h2>
      {network.badPeers.length === 0
        ? <p class='muted'>None.</p>
        : <ul>{network.badPeers.map(b => <li key={b.peerId}><PeerId id={b.peerId} />: {b.reason}, until {new Date(b.until).toLocaleTimeString()}</li>)}</ul>}
      <h2>DHT</h2>
      <p>{network.dht.enabled ? `on (${network.dht.mode ?? 'unknown'} mode)` : 'off (start the node with --dht)'}</p>
      <p class='muted'>{network.connections.length} open connections.</p>
    </section>
  )
}
