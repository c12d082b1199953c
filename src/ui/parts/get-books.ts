// Get: adds books to the download list (an ID or a book link each), one request a book; the
// list on the page learns of them at once from the answers, and then from the event stream.
// And the rows a screen has selected to get together.
import { useState } from 'preact/hooks'
import { api, messageOf } from '../api.js'
import { useFeed } from '../live.js'
import type { Download } from '../api-types.js'
import type { LiveFeed } from '../live-feed.js'

export async function getBooks (feed: LiveFeed, ids: string[]): Promise<{ added: number, errors: string[] }> {
  let added = 0
  const errors: string[] = []
  for (const id of ids) {
    try {
      feed.upsert(await api.post<Download>('/downloads', { id }))
      added++
    } catch (err) {
      errors.push(messageOf(err))
    }
  }
  return { added, errors }
}

export interface Selection {
  selected: Set<string>
  handleSelect: (id: string, on: boolean) => void
  set: (ids: string[]) => void
  /** Gets the selected books and empties the selection. */
  get: () => Promise<void>
  /** What the last Get did, and what failed. */
  done: string | null
  error: string | null
  reset: () => void
}

export function useSelection (): Selection {
  const feed = useFeed()
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [done, setDone] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  return {
    selected,
    done,
    error,
    handleSelect: (id, on) => {
      const next = new Set(selected)
      if (on) next.add(id)
      else next.delete(id)
      setSelected(next)
    },
    set: (ids) => { setSelected(new Set(ids)) },
    get: async () => {
      const { added, errors } = await getBooks(feed, [...selected])
      setError(errors.length > 0 ? errors.join('; ') : null)
      setDone(added === 0 ? null : `${added} book${added === 1 ? '' : 's'} added to Downloads.`)
      setSelected(new Set())
    },
    reset: () => {
      setSelected(new Set())
      setDone(null)
      setError(null)
    }
  }
}
