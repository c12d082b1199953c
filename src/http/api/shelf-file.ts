// GET /api/v1/shelf/:id/file: a book on our shelf, found by its ID only (never by a path), sent as
// an attachment under a sanitised name with a sandboxing CSP, so a hostile "book" (an HTML file,
// an SVG) opened by the browser can run nothing as our page.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { HttpError } from '../errors.js'
import type { ShelfEntry } from '../../peer/index.js'
import type { ServerResponse } from 'node:http'

/** A file name safe in a header and on any disk: no control characters, separators or quotes. */
export function attachmentName (name: string): string {
  const cleaned = [...name].map(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || '"\\/:*?<>|'.includes(c) ? '_' : c).join('')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 200)
  return cleaned === '' ? 'book' : cleaned
}

/** The header value: an ASCII fallback, and the full name percent-encoded (RFC 6266). */
function contentDisposition (name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

export async function sendShelfFile (res: ServerResponse, entry: ShelfEntry, signal: AbortSignal, onChanged: () => void): Promise<void> {
  const info = await stat(entry.path).catch(() => undefined)
  if (info == null || info.size !== entry.size || info.mtimeMs !== entry.mtimeMs) {
    onChanged()
    throw new HttpError(409, 'the book changed on disk: the shelf is being rescanned')
  }
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': entry.size,
    'Content-Disposition': contentDisposition(attachmentName(entry.fileName)),
    'Content-Security-Policy': 'sandbox',
    'Cache-Control': 'no-store'
  })
  if (entry.size === 0) {
    res.end()
    return
  }
  await pipeline(createReadStream(entry.path, { start: 0, end: Math.max(0, entry.size - 1) }), res, { signal }).catch((err) => {
    res.destroy(err)
  })
}
