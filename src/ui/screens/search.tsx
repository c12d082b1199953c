// Search: words go to every index (with the query language's help at hand), an ID or a book link
// opens the book's page. One row per book, opening to its providers; the total ("about" when the
// index estimates it), indexes that failed, pages, and Get for the rows selected.
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, messageOf } from '../api.js'
import { count, searchInput } from '../format.js'
import { useLive } from '../live.js'
import { go } from '../route.js'
import { BookTable } from '../parts/book-table.js'
import { useSelection } from '../parts/get-books.js'
import { DoneLine, ErrorLine } from '../parts/notice.js'
import type { Results } from '../api-types.js'
import type { Route } from '../route.js'

const PAGE = 20

function QueryHelp () {
  return (
    <details class='help'>
      <summary>Query language</summary>
      <ul>
        <li>All words must match the title, author or file name (case and accents ignored); the last word of three letters or more also matches as a prefix.</li>
        <li><code>"a phrase"</code> matches the words in that order; <code>-word</code> leaves out books with it.</li>
        <li>Filters: <code>format:epub</code>, <code>author:austen</code>, <code>lang:en</code>, <code>size&gt;1MiB</code>, <code>size&lt;500KiB</code>.</li>
        <li>Paste a book ID or a book link (<code>arkshare:b…</code>) to open that book.</li>
      </ul>
    </details>
  )
}

export function Search ({ route }: { route: Route }) {
  const live = useLive()
  const q = route.query.get('q') ?? ''
  const offset = Math.max(0, Number(route.query.get('offset') ?? 0) || 0)
  const [text, setText] = useState(q)
  const [results, setResults] = useState<Results | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const selection = useSelection()
  // searching again for the same words asks the indexes again
  const [runs, setRuns] = useState(0)
  const input = useRef<HTMLInputElement>(null)

  // the box follows the address only when its words change: effects run after a frame, and
  // setting the box on mount would wipe what was typed (or pasted) in the meantime
  const shownQ = useRef(q)
  useEffect(() => {
    if (shownQ.current === q) return
    shownQ.current = q
    setText(q)
  }, [q])
  useEffect(() => { if (q === '') input.current?.focus() }, [])
  useEffect(() => {
    if (q === '') {
      setResults(null)
      return
    }
    let current = true
    setBusy(true)
    setError(null)
    api.get<Results>(`/search?q=${encodeURIComponent(q)}&limit=${PAGE}&offset=${offset}`)
      .then(r => { if (current) setResults(r) })
      .catch(err => { if (current) { setResults(null); setError(messageOf(err)) } })
      .finally(() => { if (current) setBusy(false) })
    return () => { current = false }
  }, [q, offset, runs])

  const submit = (e: Event): void => {
    e.preventDefault()
    const kind = searchInput(text)
    if (kind.kind === 'link') go(['book', kind.id], { link: kind.link })
    else if (kind.kind === 'id') go(['book', kind.id])
    else {
      selection.reset()
      if (text === q && offset === 0) setRuns(runs + 1)
      else go(['search'], { q: text, offset: 0 })
    }
  }

  return (
    <section aria-labelledby='search-title'>
      <h1 id='search-title'>Search</h1>
      <form class='search' role='search' onSubmit={submit}>
        <input ref={input} type='search' name='q' aria-label='words, a book ID or a book link' placeholder='words, a book ID or a book link' value={text} onInput={(e) => { setText(e.currentTarget.value) }} />
        <button type='submit'>Search</button>
      </form>
      <QueryHelp />
      <ErrorLine error={error ?? selection.error} />
      <DoneLine text={selection.done} />
      {busy ? <p class='muted' role='status'>Searching…</p> : null}
      {results != null
        ? (
          <>
            <p class='total' role='status'>
              {results.total === 0
                ? 'No books found.'
                : `${count(offset + 1)}–${count(offset + results.results.length)} of ${results.totalIsEstimate ? 'about ' : ''}${count(results.total)} book${results.total === 1 ? '' : 's'}`}
            </p>
            {results.failures.map(f => <p key={f.index} class='notice error'>Index {f.index} did not answer: {f.error}</p>)}
            <div class='toolbar'>
              <button type='button' disabled={selection.selected.size === 0} onClick={() => { void selection.get() }}>Get selected ({selection.selected.size})</button>
              <span class='spacer' />
              <button type='button' disabled={offset === 0} onClick={() => { go(['search'], { q, offset: Math.max(0, offset - PAGE) }) }}>Previous</button>
              <button type='button' disabled={offset + results.results.length >= results.total} onClick={() => { go(['search'], { q, offset: offset + PAGE }) }}>Next</button>
            </div>
            {results.results.length > 0
              ? <BookTable rows={results.results} selected={selection.selected} onSelect={selection.handleSelect} network={live.network} downloads={live.downloads} />
              : null}
          </>
          )
        : null}
    </section>
  )
}
