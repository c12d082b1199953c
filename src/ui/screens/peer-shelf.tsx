// A provider's shelf: everything one peer shares, a page at a time, to select several and get them.
import { useEffect, useState } from 'preact/hooks'
import { api, messageOf, seg } from '../api.js'
import { count } from '../format.js'
import { useLive } from '../live.js'
import { go } from '../route.js'
import { BookTable } from '../parts/book-table.js'
import { useSelection } from '../parts/get-books.js'
import { DoneLine, ErrorLine } from '../parts/notice.js'
import type { Results } from '../api-types.js'
import type { Route } from '../route.js'

const PAGE = 50

export function PeerShelf ({ peerId, route }: { peerId: string, route: Route }) {
  const live = useLive()
  const offset = Math.max(0, Number(route.query.get('offset') ?? 0) || 0)
  const [results, setResults] = useState<Results | null>(null)
  const [error, setError] = useState<string | null>(null)
  const selection = useSelection()

  useEffect(() => {
    let current = true
    setResults(null)
    api.get<Results>(`/browse/${seg(peerId)}?limit=${PAGE}&offset=${offset}`)
      .then(r => { if (current) setResults(r) }, err => { if (current) setError(messageOf(err)) })
    return () => { current = false }
  }, [peerId, offset])

  return (
    <section aria-labelledby='peer-title'>
      <h1 id='peer-title'>A provider's shelf</h1>
      <p class='mono small'>{peerId}</p>
      <ErrorLine error={error ?? selection.error} />
      <DoneLine text={selection.done} />
      {results == null && error == null ? <p class='muted' role='status'>Asking the indexes…</p> : null}
      {results != null
        ? (
          <>
            <p class='total'>{count(results.total)} book{results.total === 1 ? '' : 's'}</p>
            <div class='toolbar'>
              <button type='button' onClick={() => { selection.set(results.results.map(r => r.book.id)) }} disabled={results.results.length === 0}>Select all</button>
              <button type='button' disabled={selection.selected.size === 0} onClick={() => { void selection.get() }}>Get selected ({selection.selected.size})</button>
              <span class='spacer' />
              <button type='button' disabled={offset === 0} onClick={() => { go(['peer', peerId], { offset: Math.max(0, offset - PAGE) }) }}>Previous</button>
              <button type='button' disabled={offset + results.results.length >= results.total} onClick={() => { go(['peer', peerId], { offset: offset + PAGE }) }}>Next</button>
            </div>
            <BookTable rows={results.results} selected={selection.selected} onSelect={selection.handleSelect} network={live.network} downloads={live.downloads} />
          </>
          )
        : null}
    </section>
  )
}
