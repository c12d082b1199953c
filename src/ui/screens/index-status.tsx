// An index's status page: read-only, from the `status` events it sends every 2 s. Counts only (the
// index shows no query text and no peer IDs).
import { bytes, count, duration } from '../format.js'
import { useLive } from '../live.js'

export function IndexStatusScreen () {
  const { status, connected } = useLive()
  if (status == null) return <section><h1>Index</h1><p class='muted'>Loading…</p></section>
  const figures: Array<[string, string, string]> = [
    ['peersOnline', 'peers online', count(status.peersOnline)],
    ['peersRegistered', 'peers registered', count(status.peersRegistered)],
    ['books', 'books', count(status.books)],
    ['providers', 'providers', count(status.providers)],
    ['searchesPerSecond', 'searches/s', status.searchesPerSecond.toFixed(1)],
    ['registrationsPerSecond', 'registrations/s', status.registrationsPerSecond.toFixed(1)],
    ['rateLimited', 'rate-limited requests', count(status.rateLimited)],
    ['streamsRefused', 'streams refused', count(status.streamsRefused)],
    ['connectionsRefused', 'connections refused', count(status.connectionsRefused.denied + status.connectionsRefused.perIpLimit)],
    ['connections', 'connections', count(status.connections)],
    ['rssBytes', 'memory (RSS)', bytes(status.rssBytes)],
    ['uptimeSeconds', 'uptime', duration(status.uptimeSeconds)]
  ]
  return (
    <section aria-labelledby='index-title'>
      <h1 id='index-title'>Index status</h1>
      <p class='muted' role='status'>{connected ? 'Live: updated every 2 s.' : 'Reconnecting…'}</p>
      <dl class='figures big'>
        {figures.map(([key, label, value]) => <div key={key} data-figure={key}><dt>{label}</dt><dd>{value}</dd></div>)}
      </dl>
    </section>
  )
}
