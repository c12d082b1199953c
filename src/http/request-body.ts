// Request bodies: JSON only (415), bounded (413: refused from Content-Length before a byte is read,
// or cut off when a chunked body runs past the limit), parsed (400 naming the body).
import { HttpError, invalid } from './errors.js'
import type { IncomingMessage } from 'node:http'

function hasBody (req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] != null || (length != null && length !== '0')
}

function isJson (contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json'
}

/** The request's JSON body, or undefined when it has none. */
export async function readJsonBody (req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (!hasBody(req)) return undefined
  if (!isJson(req.headers['content-type'])) throw new HttpError(415, 'bodies must be JSON (Content-Type: application/json)')
  if (Number(req.headers['content-length']) > maxBytes) throw new HttpError(413, `the body is over ${maxBytes} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw new HttpError(413, `the body is over ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw invalid('body', 'the body is not valid JSON')
  }
}

/** A body that must be a JSON object. */
export function objectBody (body: unknown): Record<string, unknown> {
  if (body == null || typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'expected a JSON object')
  return body as Record<string, unknown>
}
