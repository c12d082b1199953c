// A peer's download list under /api/v1/downloads: list and add (an ID or a book link; adding a
// listed book answers its download), one download with its ledger and chunk map, pause, resume,
// retry, cancel (DELETE), and clearing the finished ones. An unknown download is 404, a request
// its state does not allow 409.
import { HttpError, invalid } from '../errors.js'
import { objectBody } from '../request-body.js'
import { bookId } from './params.js'
import { detailView } from './download-views.js'
import type { ArkshareNode } from '../../node/create-node.js'
import type { DownloadInfo, Downloads } from '../../peer/index.js'
import type { Route } from '../router.js'

/** The service's refusals as HTTP ones: the list's errors are named in its face. */
function refusal (err: unknown, field: string): unknown {
  const name = (err as Error | undefined)?.name
  if (name === 'NotFoundError') return new HttpError(404, (err as Error).message)
  if (name === 'DownloadStateError') return new HttpError(409, (err as Error).message)
  if (name === 'InvalidParametersError') return invalid(field, (err as Error).message)
  return err
}

function attempt<T> (field: string, action: () => T): T {
  try {
    return action()
  } catch (err) {
    throw refusal(err, field)
  }
}

/** POST /api/v1/downloads `{"id"}`: 201 with a new download, 200 with the one already listed. */
function add (downloads: Downloads, body: unknown): { status: number, body: DownloadInfo } {
  const fields = objectBody(body)
  const extra = Object.keys(fields).find(k => k !== 'id')
  if (extra != null) throw invalid(extra, 'unknown field: a download takes only "id"')
  const id = fields.id
  if (typeof id !== 'string' || id.trim() === '') throw invalid('id', 'expected a book ID or a book link')
  const before = new Map(downloads.list().map(d => [d.id, d.addedAt]))
  const info = attempt('id', () => downloads.add(id.trim()))
  // a cancelled download is replaced by a new one rather than answered
  return { status: before.get(info.id) === info.addedAt ? 200 : 201, body: info }
}

export function downloadRoutes (node: ArkshareNode): Route[] {
  const downloads = node.services.arkshare.downloads
  const action = (verb: 'pause' | 'resume' | 'retry'): Route => ({
    method: 'POST',
    path: `/api/v1/downloads/:id/${verb}`,
    handler: ({ params }) => ({ body: attempt('id', () => downloads[verb](bookId(params.id))) })
  })
  return [
    { method: 'GET', path: '/api/v1/downloads', handler: () => ({ body: { downloads: downloads.list() } }) },
    { method: 'POST', path: '/api/v1/downloads', handler: ({ body }) => add(downloads, body) },
    // before /downloads/:id, which would take "clear" for an ID
    { method: 'POST', path: '/api/v1/downloads/clear', handler: () => ({ body: { cleared: downloads.clear(), downloads: downloads.list() } }) },
    { method: 'GET', path: '/api/v1/downloads/:id', handler: ({ params }) => ({ body: detailView(attempt('id', () => downloads.detail(bookId(params.id)))) }) },
    { method: 'DELETE', path: '/api/v1/downloads/:id', handler: ({ params }) => ({ body: attempt('id', () => downloads.cancel(bookId(params.id))) }) },
    action('pause'),
    action('resume'),
    action('retry')
  ]
}
