// Announces the books this peer shares as provider records in the DHT: each book as it appears on
// the shelf, one at a time, in the background, until the service stops.
import { parseBookId } from '../content/book-id.js'
import { normaliseError } from '../wire/errors.js'
import { DHT_ANNOUNCE_TIMEOUT_MS } from './constants.js'
import type { SharedBooks, ShelfChange } from './serving/shelf.js'
import type { ContentRouting, Logger, Startable } from '@libp2p/interface'
import { deadline } from '../limits/deadline.js'

export class DhtAnnouncer implements Startable {
  private announcing: Promise<void> = Promise.resolve()
  private stopping = new AbortController()

  constructor (private readonly components: { contentRouting: ContentRouting }, private readonly init: { books: SharedBooks, log: Logger }) {
    this.onBooksChange = this.onBooksChange.bind(this)
  }

  /** Starts listening for books; start before the shelf's first scan, whose change lists every book. */
  start (): void {
    this.stopping = new AbortController()
    this.init.books.addEventListener('change', this.onBooksChange)
  }

  stop (): void {
    this.stopping.abort()
    this.init.books.removeEventListener('change', this.onBooksChange)
  }

  private onBooksChange (evt: CustomEvent<ShelfChange>): void {
    this.announce(evt.detail.added.map(e => e.id))
  }

  private announce (ids: string[]): void {
    if (ids.length === 0) return
    const signal = this.stopping.signal
    this.announcing = this.announcing.then(async () => {
      for (const id of ids) {
        if (signal.aborted) return
        try {
          await this.components.contentRouting.provide(parseBookId(id), { signal: deadline(DHT_ANNOUNCE_TIMEOUT_MS, signal) })
        } catch (err) {
          this.init.log('could not announce %s in the DHT: %s', id, normaliseError(err).message)
        }
      }
    })
  }
}
