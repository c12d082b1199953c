// Writing answers: JSON (never cached), and errors as `{"error","field"}` with their status. Errors
// from the services are mapped by kind; what is not ours to explain is a 500 with its message.
import { HttpError } from './errors.js'
import type { ServerResponse } from 'node:http'

export function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store'
  })
  res.end(text)
}

export function sendText (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
  res.end(text)
}

/** Service errors by name: the services' faces are all the HTTP side sees of them. */
const STATUS_BY_NAME: Record<string, number> = {
  InvalidParametersError: 400,
  InvalidBookIdError: 400,
  NoIndexError: 503,
  DownloadError: 502,
  AbortError: 504,
  TimeoutError: 504
}

function toHttpError (err: unknown): HttpError {
  if (err instanceof HttpError) return err
  const e = err instanceof Error ? err : new Error(String(err))
  return new HttpError(STATUS_BY_NAME[e.name] ?? 500, e.message)
}

export function sendError (res: ServerResponse, err: unknown): void {
  const e = toHttpError(err)
  if (res.headersSent) {
    // a stream already under way (a file, events) cannot turn into an error: cut it
    res.destroy(e)
    return
  }
  const body: { error: string, field?: string } = { error: e.message }
  if (e.field != null) body.field = e.field
  // a body we did not read stays on the socket: close it rather than read it all
  if (e.status === 413) res.setHeader('Connection', 'close')
  sendJson(res, e.status, body, e.headers)
}
