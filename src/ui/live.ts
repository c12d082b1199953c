// The live state as a hook: a screen re-renders when the tab's event stream changes it.
import { createContext } from 'preact'
import { useContext, useEffect, useState } from 'preact/hooks'
import type { LiveFeed, LiveState } from './live-feed.js'
import type { Info } from './api-types.js'

export const FeedContext = createContext<LiveFeed | null>(null)
export const InfoContext = createContext<Info | null>(null)

export function useFeed (): LiveFeed {
  const feed = useContext(FeedContext)
  if (feed == null) throw new Error('no live feed')
  return feed
}

export function useLive (): LiveState {
  const feed = useFeed()
  const [state, setState] = useState(feed.state)
  useEffect(() => feed.subscribe(setState), [feed])
  return state
}

export function useInfo (): Info {
  const info = useContext(InfoContext)
  if (info == null) throw new Error('no node info')
  return info
}
