// The page's address after the `#`: `#/downloads/<id>`, `#/book/<id>`, `#/search?q=moby` … so the
// browser's back button, bookmarks and links between screens work without a server round trip.
import { useEffect, useState } from 'preact/hooks'

export interface Route {
  /** The path's segments, decoded: `#/book/b…` is ['book', 'b…']. */
  parts: string[]
  query: URLSearchParams
}

function currentRoute (hash = location.hash): Route {
  const text = hash.replace(/^#\/?/, '')
  const q = text.indexOf('?')
  const path = q < 0 ? text : text.slice(0, q)
  const parts = path.split('/').filter(p => p !== '').map(p => {
    try {
      return decodeURIComponent(p)
    } catch {
      return p
    }
  })
  return { parts, query: new URLSearchParams(q < 0 ? '' : text.slice(q + 1)) }
}

/** The `#…` address of a screen. */
export function href (parts: string[], query?: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v))
  const q = params.toString()
  return `#/${parts.map(encodeURIComponent).join('/')}${q !== '' ? `?${q}` : ''}`
}

export function go (parts: string[], query?: Record<string, string | number | undefined>): void {
  location.hash = href(parts, query)
}

export function useRoute (): Route {
  const [route, setRoute] = useState(currentRoute)
  useEffect(() => {
    const changed = (): void => { setRoute(currentRoute()) }
    addEventListener('hashchange', changed)
    return () => { removeEventListener('hashchange', changed) }
  }, [])
  return route
}
