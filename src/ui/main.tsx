// The page's start: trade the token in the address for a session, ask who answers (peer or
// index), open the tab's one event stream, and render. A page opened without its token says how
// to get in.
import { render } from 'preact'
import { api, ApiError, messageOf } from './api.js'
import { App } from './app.js'
import { FeedContext, InfoContext } from './live.js'
import { LiveFeed } from './live-feed.js'
import { openSession } from './session.js'
import { applyTheme, notifyDone, savedTheme } from './settings.js'
import type { Info } from './api-types.js'

function Stopped ({ message }: { message: string }) {
  return (
    <main>
      <h1>arkshare</h1>
      <p class='notice error' role='alert'>{message}</p>
    </main>
  )
}

async function start (root: HTMLElement): Promise<void> {
  applyTheme(savedTheme())
  try {
    await openSession()
    const info = await api.get<Info>('/info')
    const feed = new LiveFeed()
    feed.onDone((d) => { notifyDone(d.title) })
    feed.open()
    document.title = `arkshare ${info.role}`
    render(
      <InfoContext.Provider value={info}>
        <FeedContext.Provider value={feed}><App /></FeedContext.Provider>
      </InfoContext.Provider>,
      root
    )
  } catch (err) {
    const message = err instanceof ApiError && err.status === 401
      ? 'This page needs the node\'s token: open the address the node printed (ui: http://…/#token=…).'
      : messageOf(err)
    render(<Stopped message={message} />, root)
  }
}

void start(document.getElementById('app') as HTMLElement)
