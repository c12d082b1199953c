// Who provides a book: the indexes first; the DHT's provider records when no index knows it (or none
// answered). Before a download they are ranked and the nearest found by pinging
// (provider-pings.ts); liars caught earlier are kept in the bad-peer list every download consults.
import { normaliseError } from '../../wire/errors.js'
import { DownloadError } from '../errors.js'
import { BadPeerList } from './bad-peers.js'
import { findProvidersInDht, type DhtLookupComponents } from './dht-lookup.js'
import { PingRanker, type PingRankerComponents } from './ping-ranker.js'
import { ProviderPings } from './provider-pings.js'
import type { BookRef } from '../book-ref.js'
import type { IndexLinks } from '../index-links/index-links.js'
import type { SearchResultEntry } from '../index-links/search-results.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { CID } from 'multiformats/cid'

export interface ProviderFinderComponents extends DhtLookupComponents, PingRankerComponents {}

/** A book's providers for a download, best first, and the pings that ranked them (for pinging more later). */
export interface ProvidersToDownload extends SearchResultEntry {
  pings: ProviderPings
}

export interface ProviderFinderInit {
  indexes: IndexLinks
  /** Fall back to DHT provider records. */
  dht: boolean
  /**
   * How long a provider caught sending bad data is skipped.
   *
   * @default BAD_PEER_MS
   */
  badPeerMs?: number
}

export class ProviderFinder {
  readonly ranker: PingRanker
  readonly badPeers: BadPeerList

  constructor (private readonly components: ProviderFinderComponents, private readonly init: ProviderFinderInit) {
    this.ranker = new PingRanker(components)
    this.badPeers = new BadPeerList(init.badPeerMs)
  }

  /** The book and its providers as the indexes list them. */
  async fromIndexes (cid: CID, signal?: AbortSignal): Promise<SearchResultEntry | undefined> {
    const { results } = await this.init.indexes.search({ bookId: cid.bytes as Uint8Array<ArrayBuffer>, limit: 1 }, signal)
    return results.find(r => r.book.id === cid.toString())
  }

  /**
   * The book and its providers as the indexes list them, with a link's hints added (enough when no
   * index answers); the book as the link describes it when only hints name it.
   */
  async forRef (ref: BookRef, signal?: AbortSignal): Promise<SearchResultEntry | undefined> {
    let found: SearchResultEntry | undefined
    try {
      found = await this.fromIndexes(ref.cid, signal)
    } catch (err) {
      if (ref.hints.length === 0) throw err
    }
    if (ref.hints.length === 0) return found
    const listed = found?.providers ?? []
    return {
      book: found?.book ?? { id: ref.id, title: ref.title ?? '', author: '', format: '', size: ref.size ?? 0, fileName: ref.fileName ?? '', language: '' },
      providers: [...listed, ...ref.hints.filter(h => !listed.some(p => p.peerId === h.peerId))]
    }
  }

  /** Providers that appeared since a download started (the indexes only; none without an index). */
  async refresh (cid: CID, signal?: AbortSignal): Promise<ProviderInfo[]> {
    return this.init.indexes.configured ? (await this.fromIndexes(cid, signal))?.providers ?? [] : []
  }

  /**
   * The book and its providers to download from, best first; throws when no provider is known.
   * `hints` (from a book link) join whatever the indexes list, and stand in for them when none
   * knows the book or none answers; the DHT is asked only when there is nothing else.
   */
  async forDownload (cid: CID, signal?: AbortSignal, hints: ProviderInfo[] = []): Promise<ProvidersToDownload> {
    let found: SearchResultEntry | undefined
    let indexError: Error | undefined
    try {
      found = this.init.indexes.configured ? await this.fromIndexes(cid, signal) : undefined
    } catch (err) {
      indexError = normaliseError(err)
    }
    const listed = found?.providers ?? []
    const providers = [...listed, ...hints.filter(h => !listed.some(p => p.peerId === h.peerId))]
    if (providers.length === 0 && this.init.dht) {
      // no index knows it (or none answered): ask the DHT, by ID only
      providers.push(...await findProvidersInDht(this.components, cid, signal).catch(() => []))
    }
    if (providers.length === 0) {
      if (indexError != null) throw indexError
      throw new DownloadError(`no provider is online for ${cid.toString()}`)
    }
    // the download starts with the first to answer (the nearest known is pinged first); the rest
    // are pinged when the download wants more of them
    const pings = new ProviderPings(this.ranker, signal)
    await pings.nearest(providers)
    const book = found?.book ?? { id: cid.toString(), title: '', author: '', format: '', size: 0, fileName: '', language: '' }
    return { book, providers: this.ranker.rank(providers), pings }
  }
}
