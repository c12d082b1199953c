// The page: a header with the screens of this node's role and the page's settings, and the screen
// the address names. One bundle for both roles: `info` says which node answers.
import { useEffect, useState } from 'preact/hooks'
import { useInfo, useLive } from './live.js'
import { useRoute, type Route } from './route.js'
import { applyTheme, notificationsWanted, savedTheme, setNotifications, type Theme } from './settings.js'
import { BookPage } from './screens/book.js'
import { DownloadDetailScreen } from './screens/download-detail.js'
import { Downloads } from './screens/downloads.js'
import { IndexStatusScreen } from './screens/index-status.js'
import { LimitsScreen } from './screens/limits.js'
import { NetworkScreen } from './screens/network.js'
import { PeerShelf } from './screens/peer-shelf.js'
import { Search } from './screens/search.js'
import { ShelfScreen } from './screens/shelf.js'
import { UploadsScreen } from './screens/uploads.js'

const PEER_SCREENS = [['search', 'Search'], ['downloads', 'Downloads'], ['uploads', 'Uploads'], ['shelf', 'Shelf'], ['network', 'Network'], ['limits', 'Limits']] as const

function PeerScreen ({ route }: { route: Route }) {
  const [screen, arg] = route.parts
  switch (screen) {
    case 'downloads': return arg != null ? <DownloadDetailScreen id={arg} /> : <Downloads />
    case 'uploads': return <UploadsScreen />
    case 'shelf': return <ShelfScreen />
    case 'peer': return <PeerShelf peerId={arg ?? ''} route={route} />
    case 'network': return <NetworkScreen />
    case 'book': return <BookPage id={arg ?? ''} link={route.query.get('link') ?? undefined} />
    case 'limits': return <LimitsScreen />
    default: return <Search route={route} />
  }
}

function Settings ({ downloads }: { downloads: boolean }) {
  const [theme, setTheme] = useState<Theme>(savedTheme)
  const [notify, setNotify] = useState(notificationsWanted)
  useEffect(() => { applyTheme(theme) }, [theme])
  return (
    <div class='settings'>
      <label>
        theme
        <select value={theme} onChange={(e) => { setTheme(e.currentTarget.value as Theme) }}>
          <option value='auto'>auto</option><option value='light'>light</option><option value='dark'>dark</option>
        </select>
      </label>
      {downloads && typeof Notification !== 'undefined'
        ? <label><input type='checkbox' checked={notify} onChange={(e) => { void setNotifications(e.currentTarget.checked).then(setNotify) }} /> notify when a download finishes</label>
        : null}
    </div>
  )
}

export function App () {
  const info = useInfo()
  const route = useRoute()
  const live = useLive()
  const current = route.parts[0] === 'book' || route.parts[0] === 'peer' ? '' : route.parts[0] ?? 'search'
  const running = live.downloads.filter(d => d.state === 'active').length
  return (
    <>
      <header>
        <a class='brand' href='#/'>arkshare <small>{info.role}</small></a>
        {info.role === 'peer'
          ? (
            <nav aria-label='screens'>
              {PEER_SCREENS.map(([id, label]) => (
                <a key={id} href={`#/${id}`} aria-current={current === id ? 'page' : undefined}>
                  {label}{id === 'downloads' && running > 0 ? <span class='badge'>{running}</span> : null}
                </a>
              ))}
            </nav>
            )
          : null}
        <span class={`live ${live.connected ? 'on' : 'off'}`} title={live.connected ? 'live' : 'not connected'} role='status'>{live.connected ? 'live' : 'offline'}</span>
        <Settings downloads={info.role === 'peer'} />
      </header>
      <main>
        {info.role === 'index' ? <IndexStatusScreen /> : <PeerScreen route={route} />}
      </main>
    </>
  )
}
