// The tab's one event stream (`/api/v1/events`) and the state it keeps: every stream starts with a
// snapshot, so a reconnect makes the state whole again; the stream is closed while the tab is
// hidden and reopened (with a fresh snapshot) when it shows again. Opening a download's detail
// reopens the stream with `?download=<id>` rather than opening a second one. No polling.
import type { Download, DownloadDetail, IndexStatus, Limits, Network, ShelfSummary, Uploads } from './api-types.js'

export interface LiveState {
  connected: boolean
  downloads: Download[]
  detail?: DownloadDetail | null
  shelf?: ShelfSummary
  network?: Network
  uploads?: Uploads
  limits?: Limits
  status?: IndexStatus
}

type Listener = (state: LiveState) => void

/** How long to wait before reopening a stream the server refused, doubling up to the last. */
const FIRST_RETRY_MS = 2_000
const MAX_RETRY_MS = 60_000

export class LiveFeed {
  private source?: EventSource
  private retry?: ReturnType<typeof setTimeout>
  private retryMs = FIRST_RETRY_MS
  private watched: string | null = null
  private readonly listeners = new Set<Listener>()
  private readonly doneListeners = new Set<(download: Download) => void>()
  state: LiveState = { connected: false, downloads: [] }

  constructor (private readonly doc: Document = document) {
    doc.addEventListener('visibilitychange', () => {
      if (doc.visibilityState === 'hidden') this.close()
      else this.open()
    })
  }

  subscribe (listener: Listener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  onDone (listener: (download: Download) => void): void {
    this.doneListeners.add(listener)
  }

  /** Follows one download's ledger and chunk map (null: none), on the same one stream. */
  watch (id: string | null): void {
    if (id === this.watched) return
    this.watched = id
    this.update({ detail: undefined })
    if (this.source != null) {
      this.close()
      this.open()
    }
  }

  open (): void {
    if (this.source != null || this.doc.visibilityState === 'hidden') return
    const url = this.watched != null ? `/api/v1/events?download=${encodeURIComponent(this.watched)}` : '/api/v1/events'
    const source = new EventSource(url)
    this.source = source
    const on = (name: string, handle: (data: any) => void): void => {
      source.addEventListener(name, (evt) => { handle(JSON.parse((evt as MessageEvent<string>).data)) })
    }
    source.addEventListener('open', () => { this.update({ connected: true }) })
    source.addEventListener('error', () => {
      this.update({ connected: false })
      // the browser retries a dropped stream itself, but not one refused (a node restarted
      // without our session, say): try again later, a little later each time
      if (source.readyState === EventSource.CLOSED && this.source === source) {
        this.close()
        this.retry = setTimeout(() => { this.open() }, this.retryMs)
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS)
      }
    })
    on('snapshot', (s) => {
      this.retryMs = FIRST_RETRY_MS
      this.update({ connected: true, downloads: s.downloads ?? [], detail: s.download, shelf: s.shelf, network: s.network, uploads: s.uploads, limits: s.limits, status: s.status })
    })
    on('download', (d: Download) => { this.upsert(d) })
    on('download:done', (r: { id: string }) => {
      const known = this.state.downloads.find(d => d.id === r.id)
      if (known == null) return
      const done = { ...known, state: 'done' as const, bytesDone: known.size, etaSeconds: null, bytesPerSecond: 0 }
      this.upsert(done)
      for (const listener of this.doneListeners) listener(done)
    })
    on('download:failed', (f: { id: string, error: string }) => {
      const known = this.state.downloads.find(d => d.id === f.id)
      if (known != null) this.upsert({ ...known, state: 'failed', error: f.error })
    })
    on('download:removed', (r: { id: string }) => { this.update({ downloads: this.state.downloads.filter(d => d.id !== r.id) }) })
    on('download:detail', (detail: DownloadDetail) => { if (detail.id === this.watched) this.update({ detail }) })
    on('shelf', (s: ShelfSummary) => { this.update({ shelf: { books: s.books, bytes: s.bytes } }) })
    on('network', (network: Network) => { this.update({ network }) })
    on('uploads', (uploads: Uploads) => { this.update({ uploads }) })
    on('limits', (limits: Limits) => { this.update({ limits }) })
    on('status', (status: IndexStatus) => { this.update({ status }) })
  }

  close (): void {
    clearTimeout(this.retry)
    this.source?.close()
    this.source = undefined
    this.update({ connected: false })
  }

  /** A download as an action answered it, before its event arrives. */
  upsert (download: Download): void {
    const list = this.state.downloads
    const at = list.findIndex(d => d.id === download.id)
    this.update({ downloads: at < 0 ? [...list, download] : list.map((d, i) => i === at ? download : d) })
  }

  /** Replaces the list (after clear). */
  setDownloads (downloads: Download[]): void {
    this.update({ downloads })
  }

  private update (changes: Partial<LiveState>): void {
    this.state = { ...this.state, ...changes }
    for (const listener of this.listeners) listener(this.state)
  }
}
