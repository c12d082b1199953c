// The page's way in: a node prints its page's address with the API token in the fragment
// (`#token=…`, never sent to a server). The page trades it for an HttpOnly session cookie and
// removes it from the address bar and the history at once.
import { api } from './api.js'

export async function openSession (): Promise<void> {
  const match = /^#token=([A-Za-z0-9_-]+)/.exec(location.hash)
  if (match == null) return
  history.replaceState(null, '', `${location.pathname}${location.search}#/`)
  await api.post('/session', { token: match[1] })
}
