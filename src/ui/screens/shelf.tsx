// My shelf: the books this peer shares, filtered and sorted; the shared folders (read-only here),
// the scan's state and a rescan; each book's link to copy and its file to download.
import { useEffect, useState } from 'preact/hooks'
import { api, messageOf, seg } from '../api.js'
import { bytes, count } from '../format.js'
import { useLive } from '../live.js'
import { href } from '../route.js'
import { DoneLine, ErrorLine } from '../parts/notice.js'
import type { Shelf, ShelfBook } from '../api-types.js'

type SortKey = 'title' | 'author' | 'size' | 'modifiedAt'

function sorted (books: ShelfBook[], filter: string, key: SortKey): ShelfBook[] {
  const words = filter.toLowerCase().split(/\s+/).filter(w => w !== '')
  const hit = (b: ShelfBook): boolean => words.every(w => `${b.title} ${b.author} ${b.fileName} ${b.format}`.toLowerCase().includes(w))
  const by = (a: ShelfBook, b: ShelfBook): number => key === 'size' ? b.size - a.size : key === 'modifiedAt' ? b.modifiedAt.localeCompare(a.modifiedAt) : a[key].localeCompare(b[key])
  return books.filter(hit).sort(by)
}

export function ShelfScreen () {
  const live = useLive()
  const [shelf, setShelf] = useState<Shelf | null>(null)
  const [filter, setFilter] = useState('')
  const [key, setKey] = useState<SortKey>('title')
  const [scanning, setScanning] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [link, setLink] = useState<{ id: string, link: string, copied: boolean } | null>(null)

  // read again when the event stream says the shelf changed
  useEffect(() => {
    api.get<Shelf>('/shelf').then(setShelf, err => { setError(messageOf(err)) })
  }, [live.shelf?.books, live.shelf?.bytes])

  const rescan = async (): Promise<void> => {
    setScanning(true)
    try {
      setShelf(await api.post<Shelf>('/shelf/rescan'))
      setError(null)
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setScanning(false)
    }
  }
  const copyLink = async (id: string): Promise<void> => {
    try {
      const { link } = await api.get<{ link: string }>(`/books/${seg(id)}/link`)
      let copied = false
      try {
        await navigator.clipboard.writeText(link)
        copied = true
      } catch {
        // no clipboard (permission, plain HTTP off loopback): the link is shown to copy by hand
      }
      setLink({ id, link, copied })
    } catch (err) {
      setError(messageOf(err))
    }
  }

  const books = shelf != null ? sorted(shelf.books, filter, key) : []
  return (
    <section aria-labelledby='shelf-title'>
      <h1 id='shelf-title'>My shelf</h1>
      {shelf != null
        ? <p class='muted'>{count(shelf.total)} books, {bytes(shelf.bytes)}, from {shelf.roots.length > 0 ? shelf.roots.map(r => <code key={r} class='root'>{r}</code>) : 'no folder'}</p>
        : null}
      <div class='toolbar'>
        <input type='search' aria-label='filter the shelf' placeholder='filter' value={filter} onInput={(e) => { setFilter(e.currentTarget.value) }} />
        <label>
          sort by
          <select value={key} onChange={(e) => { setKey(e.currentTarget.value as SortKey) }}>
            <option value='title'>title</option><option value='author'>author</option><option value='size'>size</option><option value='modifiedAt'>newest</option>
          </select>
        </label>
        <span class='spacer' />
        <span role='status' class='muted'>{scanning ? 'scanning…' : 'scan up to date'}</span>
        <button type='button' disabled={scanning} onClick={() => { void rescan() }}>Rescan</button>
      </div>
      <ErrorLine error={error} />
      {link != null
        ? (
          <div class='link-box'>
            <DoneLine text={link.copied ? 'Book link copied.' : 'Book link (copy it from here):'} />
            <input readOnly class='mono' aria-label='book link' value={link.link} onFocus={(e) => { e.currentTarget.select() }} />
          </div>
          )
        : null}
      <div class='scroll'>
        <table class='books'>
          <thead><tr><th>title</th><th>author</th><th>format</th><th class='num'>size</th><th>file</th><th><span class='sr'>actions</span></th></tr></thead>
          <tbody>
            {books.map(b => (
              <tr key={b.id}>
                <td class='title'><a href={href(['book', b.id])}>{b.title}</a></td>
                <td>{b.author}</td>
                <td>{b.format}</td>
                <td class='num'>{bytes(b.size)}</td>
                <td class='small'>{b.fileName}</td>
                <td>
                  <span class='actions'>
                    <button type='button' aria-label={`copy the link of ${b.title}`} onClick={() => { void copyLink(b.id) }}>Copy link</button>
                    <a class='button' href={`/api/v1/shelf/${seg(b.id)}/file`} download>Download</a>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
