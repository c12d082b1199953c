// A peer's API under /api/v1: search, books (and their links), browsing a provider, downloads (download-routes.ts),
// uploads, the shelf (and its files), the network, the limits. Every value from the request is
// checked (params.ts) before the service sees it.
import { PEER_DEFAULTS } from '../../peer/index.js'
import { HttpError } from '../errors.js'
import { downloadRoutes } from './download-routes.js'
import { limitChanges } from './limit-changes.js'
import { bookId, page, peerId, searchWords } from './params.js'
import { bookOf, entryView, networkView, resultsView, shelfEntryView, shelfSummary } from './peer-views.js'
import { sendShelfFile } from './shelf-file.js'
import type { ArkshareNode } from '../../node/create-node.js'
import type { SearchResultEntry, ShelfEntry } from '../../peer/index.js'
import type { Route } from '../router.js'

export interface PeerApiInit {
  node: ArkshareNode
  /** The shared folders (and the downloads folder), shown read-only. */
  roots: string[]
}

export function peerRoutes ({ node, roots }: PeerApiInit): Route[] {
  const arkshare = node.services.arkshare
  const shelfIds = (): Set<string> => new Set(arkshare.list().map(e => e.id))
  const shelf = (): Record<string, unknown> => {
    const entries = arkshare.list()
    return { books: entries.map(shelfEntryView), total: entries.length, bytes: shelfSummary(entries).bytes, roots }
  }
  return [
    {
      method: 'GET',
      path: '/api/v1/search',
      handler: async ({ query, signal }) => {
        const q = searchWords(query)
        const { limit, offset } = page(query, PEER_DEFAULTS.DEFAULT_SEARCH_LIMIT)
        const results = await arkshare.search(q, { limit, offset, signal, measure: true })
        return { body: resultsView(results, shelfIds()) }
      }
    },
    {
      method: 'GET',
      path: '/api/v1/books/:id',
      handler: async ({ params, signal }) => {
        const id = bookId(params.id)
        const mine = arkshare.list().find(e => e.id === id)
        let found: SearchResultEntry | undefined
        try {
          found = await arkshare.findProviders(id, { signal })
        } catch (err) {
          // our own copy still has a page when no index answers
          if (mine == null) throw err
        }
        if (found == null && mine == null) throw new HttpError(404, 'no index knows this book')
        return { body: entryView(found ?? { book: bookOf(mine as ShelfEntry), providers: [] }, mine != null) }
      }
    },
    {
      method: 'GET',
      path: '/api/v1/books/:id/link',
      handler: async ({ params, signal }) => ({ body: { link: await arkshare.bookLink(bookId(params.id), { signal }) } })
    },
    {
      method: 'GET',
      path: '/api/v1/browse/:peerId',
      handler: async ({ params, query, signal }) => {
        const provider = peerId(params.peerId)
        const { limit, offset } = page(query, PEER_DEFAULTS.DEFAULT_BROWSE_LIMIT)
        return { body: resultsView(await arkshare.browse(provider, { limit, offset, signal }), shelfIds()) }
      }
    },
    { method: 'GET', path: '/api/v1/shelf', handler: () => ({ body: shelf() }) },
    {
      method: 'POST',
      path: '/api/v1/shelf/rescan',
      handler: async () => {
        await arkshare.rescan()
        return { body: shelf() }
      }
    },
    {
      method: 'GET',
      path: '/api/v1/shelf/:id/file',
      streams: true,
      handler: async ({ params, res, signal }) => {
        const id = bookId(params.id)
        const entry = arkshare.list().find(e => e.id === id)
        if (entry == null) throw new HttpError(404, 'this book is not on the shelf')
        await sendShelfFile(res, entry, signal, () => { void arkshare.rescan().catch(() => {}) })
        return undefined
      }
    },
    { method: 'GET', path: '/api/v1/network', handler: () => ({ body: networkView(node) }) },
    { method: 'GET', path: '/api/v1/uploads', handler: () => ({ body: arkshare.uploads() }) },
    { method: 'GET', path: '/api/v1/limits', handler: () => ({ body: arkshare.limits() }) },
    { method: 'PATCH', path: '/api/v1/limits', handler: async ({ body }) => ({ body: await limitChanges(arkshare, body) }) },
    ...downloadRoutes(node)
  ]
}
