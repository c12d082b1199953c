// What event streams hear of downloads: a summary (`download`, the list's view, never the live
// chunk map) at most 4 times a second each, the latest state always sent; its end
// (`download:done`, `download:failed`) and its leaving the list (`download:removed`) at once; and,
// for streams that asked with `?download=<id>`, that download's ledger and chunk map
// (`download:detail`), made only while such a stream is open.
import { DOWNLOAD_DETAIL_EVENT_MS, DOWNLOAD_EVENT_MS } from '../constants.js'
import { detailView } from '../api/download-views.js'
import { bookId } from '../api/params.js'
import { invalid } from '../errors.js'
import { KeyedThrottle } from './throttle.js'
import type { EventClient, EventHub } from './event-hub.js'
import type { Arkshare, ArkshareEvents, DownloadResult } from '../../peer/index.js'
import type { Startable } from '@libp2p/interface'

type DownloadEventName = 'download:change' | 'download:progress' | 'download:done' | 'download:failed' | 'download:removed'

/** A finished download as events report it (its manifest, thousands of hashes, stays here). */
function doneView (result: DownloadResult): Record<string, unknown> {
  const { manifest, ...rest } = result
  return rest
}

/** The download a stream watches (`?download=<id>`), if any. */
function watched (client: EventClient): string | null {
  return client.options.get('download')
}

export class DownloadEvents implements Startable {
  /** Keyed and valued by download ID: what is sent is read when it goes out, so it is the latest. */
  private readonly summaries: KeyedThrottle<string>
  private readonly details: KeyedThrottle<string>
  private readonly listeners: { [K in DownloadEventName]: (evt: ArkshareEvents[K]) => void }

  constructor (private readonly arkshare: Arkshare, private readonly hub: EventHub) {
    const { downloads } = arkshare
    this.summaries = new KeyedThrottle(DOWNLOAD_EVENT_MS, (id) => {
      const info = this.read(() => downloads.info(id))
      if (info != null) hub.broadcast('download', info)
    })
    this.details = new KeyedThrottle(DOWNLOAD_DETAIL_EVENT_MS, (id) => {
      const detail = this.read(() => downloads.detail(id))
      if (detail != null) hub.broadcast('download:detail', detailView(detail), (c) => watched(c) === id)
    })
    const changed = (id: string): void => {
      this.summaries.push(id, id)
      if (hub.some((c) => watched(c) === id)) this.details.push(id, id)
    }
    const ended = (id: string): void => {
      this.summaries.flush(id)
      this.details.flush(id)
    }
    this.listeners = {
      'download:change': (evt) => { changed(evt.detail.id) },
      'download:progress': (evt) => { changed(evt.detail.id) },
      'download:done': (evt) => {
        ended(evt.detail.id)
        hub.broadcast('download:done', doneView(evt.detail))
      },
      'download:failed': (evt) => {
        ended(evt.detail.id)
        hub.broadcast('download:failed', evt.detail)
      },
      'download:removed': (evt) => {
        this.summaries.drop(evt.detail.id)
        this.details.drop(evt.detail.id)
        hub.broadcast('download:removed', evt.detail)
      }
    }
  }

  /** What a new stream starts from: the list, and the watched download's detail (null if not listed). */
  snapshot (client: EventClient): Record<string, unknown> {
    const { downloads } = this.arkshare
    const id = watched(client)
    if (id != null && bookId(id, 'download') !== id) throw invalid('download', 'expected a book ID as the list gives it')
    const detail = id != null ? this.read(() => downloads.detail(id)) : undefined
    return { downloads: downloads.list(), ...(id != null ? { download: detail != null ? detailView(detail) : null } : {}) }
  }

  start (): void {
    for (const [name, listener] of Object.entries(this.listeners)) this.arkshare.addEventListener(name as DownloadEventName, listener as any)
  }

  stop (): void {
    for (const [name, listener] of Object.entries(this.listeners)) this.arkshare.removeEventListener(name as DownloadEventName, listener as any)
    this.summaries.clear()
    this.details.clear()
  }

  /** A download's view, or undefined when it left the list meanwhile. */
  private read<T> (view: () => T): T | undefined {
    try {
      return view()
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return undefined
      throw err
    }
  }
}
