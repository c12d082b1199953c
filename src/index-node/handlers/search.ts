// /arkshare/search: pages of books with their providers (by words, by provider, by book), and the
// index's live counts; many requests on one stream. Recent replies are sent again from a cache.
import { RequestError, Status } from '../../wire/errors.js'
import { SEARCH, type IndexStats, type SearchRequest, type SearchResponse } from '../../wire/messages.js'
import { LIMITS } from '../../wire/protocols.js'
import { peerIdFromBytes } from '../../wire/records.js'
import { DEFAULT_PAGE_SIZE } from '../constants.js'
import { QueryError, TooBroadError } from '../errors.js'
import { parseQuery, type ParsedQuery } from '../query.js'
import { requestedBookId, serveIndexStream, type HandlerInit, type StreamOrigin } from './index-stream.js'
import { SearchReplies } from './search-reply.js'
import type { SearchPage } from '../catalog/catalog.js'
import type { SearchCache } from '../search-cache.js'
import type { Stream } from '@libp2p/interface'

/** What the index's relay has carried, for the stats (zeros without a relay). */
export type RelayCounts = Pick<IndexStats, 'relayReservations' | 'relayCircuits' | 'relayedBytes' | 'relayLargestCircuitBytes'>

export interface SearchHandlerInit extends HandlerInit {
  /**
   * Recent replies, encoded, shared with the service (which shortens them when a provider leaves).
   * Bytes, not pages: a page's objects held for seconds survive young-generation collections and
   * are copied, promoted and collected again as old; one array per reply is not.
   */
  cache: SearchCache<Uint8Array>
  relayCounts: () => RelayCounts
}

/** What a search request asks for, checked. */
interface SearchTerms {
  query?: ParsedQuery
  provider?: string
  bookId?: string
}

function errorResponse (status: Status, message: string, retryAfterSeconds: number): SearchResponse {
  return { status, message, results: [], total: 0, retryAfterSeconds, stats: undefined, totalIsEstimate: false }
}

/** The request's filters and words, in the order they are checked; E_INVALID_REQUEST for the first bad one. */
function searchTerms (request: SearchRequest): SearchTerms {
  const terms: SearchTerms = {}
  try {
    if (request.provider.byteLength > 0) terms.provider = peerIdFromBytes(request.provider).toString()
  } catch {
    throw new RequestError(Status.E_INVALID_REQUEST, 'provider is not a peer ID')
  }
  if (request.bookId.byteLength > 0) terms.bookId = requestedBookId(request.bookId)
  if (request.query.trim() !== '') {
    try { terms.query = parseQuery(request.query) } catch (err) {
      if (err instanceof QueryError) throw new RequestError(Status.E_INVALID_REQUEST, err.message)
      throw err
    }
  } else if (terms.provider == null && terms.bookId == null) {
    throw new RequestError(Status.E_INVALID_REQUEST, 'empty query: give words, a provider or a book id')
  }
  return terms
}

export class SearchHandler {
  private readonly replies = new SearchReplies()

  constructor (private readonly init: SearchHandlerInit) {}

  /** Serves one search stream until it closes (a registrar stream handler). */
  async handle (stream: Stream, connection: StreamOrigin): Promise<void> {
    await serveIndexStream(this.init, stream, connection, {
      protocol: 'search',
      exchange: SEARCH,
      errorResponse,
      answer: async (request) => ({ response: this.answer(request) })
    })
  }

  private answer (request: SearchRequest): SearchResponse | { encoded: Uint8Array } {
    if (request.stats) {
      return { status: Status.OK, message: '', results: [], total: 0, retryAfterSeconds: 0, stats: { ...this.init.catalog().stats(), ...this.init.relayCounts() }, totalIsEstimate: false }
    }
    return { encoded: this.reply(request, searchTerms(request)) }
  }

  /** The page a request asks for, encoded; a recent reply to the same request is sent again as it was. */
  private reply (request: SearchRequest, { query, provider, bookId }: SearchTerms): Uint8Array {
    const catalog = this.init.catalog()
    const limit = Math.min(request.limit === 0 ? DEFAULT_PAGE_SIZE : request.limit, LIMITS.search.maxResultsPerPage)
    // a removed listing or peer must leave results at once, so the removal count is part of the
    // key: replies cached before a removal are never found again (and age out). Additions may
    // wait out the cache's few seconds; leases and grace periods end a reply (validUntil, expireBy).
    const key = JSON.stringify([catalog.removals, request.query.trim().toLowerCase(), limit, request.offset, provider, bookId, request.derivedFileNames])
    const cached = this.init.cache.get(key)
    if (cached != null) return cached
    let page: SearchPage
    try {
      page = catalog.search(query, { limit, offset: request.offset, provider, bookId })
    } catch (err) {
      if (err instanceof TooBroadError) throw new RequestError(Status.E_INVALID_REQUEST, err.message)
      throw err
    }
    const encoded = this.replies.encode(page, { derivedFileNames: request.derivedFileNames })
    this.init.cache.set(key, encoded, page.validUntil)
    return encoded
  }
}
