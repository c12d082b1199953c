// The headers every response carries. The page may run only our own scripts, plus its inline
// import map, allowed by its SHA-256 (a browser counts an import map as a script).
import { createHash } from 'node:crypto'
import type { ServerResponse } from 'node:http'

/** The inline import map of a page, if it has one (the one inline script the page may carry). */
const IMPORT_MAP = /<script\s+type=["']?importmap["']?\s*>([\s\S]*?)<\/script>/i

/** The CSP source for a page's inline import map, `'sha256-…'`, or undefined when it has none. */
export function importMapSource (html: string): string | undefined {
  const map = IMPORT_MAP.exec(html)?.[1]
  return map == null ? undefined : `'sha256-${createHash('sha256').update(map, 'utf8').digest('base64')}'`
}

export function contentSecurityPolicy (importMap?: string): string {
  return [
    "default-src 'self'",
    `script-src 'self'${importMap != null ? ` ${importMap}` : ''}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'"
  ].join('; ')
}

/** What every response says, whatever it holds; no CORS header is ever sent. */
export function setSecurityHeaders (res: ServerResponse, csp: string): void {
  res.setHeader('Content-Security-Policy', csp)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  // another site's <img>, <script> or no-cors fetch gets nothing it could read or embed
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('X-Frame-Options', 'DENY')
}
