// A book's page (`#/book/<id>`, also what pasting an ID or a book link into search opens): its ID,
// what the indexes know of it, its live providers, and Get (with the link's provider hints, when
// it came from a link, so a book no index knows still downloads).
import { useEffect, useState } from 'preact/hooks'
import { api, messageOf, seg } from '../api.js'
import { bytes, latency } from '../format.js'
import { useFeed, useLive } from '../live.js'
import { href } from '../route.js'
import { getBooks } from '../parts/get-books.js'
import { ErrorLine, PeerId } from '../parts/notice.js'
import { Progress } from './downloads.js'
import type { BookEntry } from '../api-types.js'

export function BookPage ({ id, link }: { id: string, link?: string }) {
  const feed = useFeed()
  const live = useLive()
  const [entry, setEntry] = useState<BookEntry | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [shared, setShared] = useState<string | null>(link ?? null)

  useEffect(() => {
    let current = true
    setLoading(true)
    setEntry(null)
    setError(null)
    api.get<BookEntry>(`/books/${seg(id)}`)
      .then(e => { if (current) setEntry(e) }, err => { if (current) setError(messageOf(err)) })
      .finally(() => { if (current) setLoading(false) })
    return () => { current = false }
  }, [id])

  const download = live.downloads.find(d => d.id === id)
  const get = async (): Promise<void> => {
    const result = await getBooks(feed, [link ?? id])
    setError(result.errors[0] ?? null)
  }
  const showLink = async (): Promise<void> => {
    try {
      setShared((await api.get<{ link: string }>(`/books/${seg(id)}/link`)).link)
    } catch (err) {
      setError(messageOf(err))
    }
  }
  const book = entry?.book
  return (
    <section aria-labelledby='book-title'>
      <h1 id='book-title'>{book != null && book.title !== '' ? book.title : 'A book'}</h1>
      {book != null ? <p class='author'>{book.author}</p> : null}
      <dl class='figures'>
        <div><dt>ID</dt><dd class='mono small'>{id}</dd></div>
        {book != null ? <div><dt>size</dt><dd>{bytes(book.size)}</dd></div> : null}
        {book != null ? <div><dt>format</dt><dd>{book.format}</dd></div> : null}
        {book != null ? <div><dt>file</dt><dd>{book.fileName}</dd></div> : null}
        {entry?.onShelf === true ? <div><dt>shelf</dt><dd>on my shelf</dd></div> : null}
      </dl>
      {loading ? <p class='muted' role='status'>Asking the indexes…</p> : null}
      <ErrorLine error={error} />
      {link != null && entry == null && !loading ? <p class='muted'>Get asks the providers the book link names.</p> : null}
      <div class='toolbar'>
        {download == null
          ? <button type='button' class='primary' onClick={() => { void get() }}>Get</button>
          : <a href={href(['downloads', id])}>In Downloads: {download.state}</a>}
        {download != null ? <Progress download={download} /> : null}
        <button type='button' onClick={() => { void showLink() }}>Book link</button>
      </div>
      {shared != null ? <input readOnly class='mono link-box' aria-label='book link' value={shared} onFocus={(e) => { e.currentTarget.select() }} /> : null}
      <h2>Providers</h2>
      {entry == null || entry.providers.length === 0
        ? <p class='muted'>{loading ? '' : 'No live provider known.'}</p>
        : (
          <ul class='provider-list'>
            {entry.providers.map(p => <li key={p.peerId}><PeerId id={p.peerId} browse /> {latency(p.latencyMs)}</li>)}
          </ul>
          )}
    </section>
  )
}
