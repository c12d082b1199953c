// A small router: routes by method and path pattern (`/api/v1/books/:id`). Literal segments are
// compared undecoded, so an encoded dot or slash never matches one; a parameter is decoded once.
import { HttpError, invalid } from './errors.js'
import type { IncomingMessage, ServerResponse } from 'node:http'

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  params: Record<string, string>
  query: URLSearchParams
  /** The parsed JSON body, when the request had one. */
  body: unknown
  /** The client's IP address. */
  address: string
  /** Aborted when the client goes away (and, unless the route streams, after the request timeout). */
  signal: AbortSignal
}

/**
 * An answer: JSON (`body`), or `text` in the Content-Type its headers give. A handler that writes
 * the response itself (a file, an event stream) returns nothing.
 */
export interface Reply {
  status?: number
  body?: unknown
  text?: string
  headers?: Record<string, string>
}

export interface Route {
  method: Method
  /** The pattern; also the route's label in metrics (bounded: never a value from a request). */
  path: string
  /** The handler writes a long-lived response: no request timeout. */
  streams?: boolean
  handler: (ctx: RequestContext) => Promise<Reply | undefined> | Reply | undefined
}

export interface Match {
  route: Route
  params: Record<string, string>
}

export class Router {
  private readonly routes: Array<{ route: Route, segments: string[] }> = []

  constructor (routes: Route[] = []) {
    for (const route of routes) this.add(route)
  }

  add (route: Route): void {
    this.routes.push({ route, segments: route.path.split('/') })
  }

  /** The route for a request: 404 for a path no route has, 405 (with Allow) for a method it lacks. */
  match (method: string, pathname: string): Match {
    const segments = pathname.split('/')
    const allowed = new Set<string>()
    for (const { route, segments: pattern } of this.routes) {
      const params = matchSegments(pattern, segments)
      if (params == null) continue
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params: decode(params) }
      allowed.add(route.method)
    }
    if (allowed.size === 0) throw new HttpError(404, 'no such resource')
    throw new HttpError(405, `method ${method} not allowed here`, undefined, { Allow: [...allowed].join(', ') })
  }
}

function matchSegments (pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) {
      if (segments[i] === '') return undefined
      params[pattern[i].slice(1)] = segments[i]
    } else if (pattern[i] !== segments[i]) {
      return undefined
    }
  }
  return params
}

function decode (raw: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    try {
      params[name] = decodeURIComponent(value)
    } catch {
      throw invalid(name, 'badly encoded')
    }
  }
  return params
}
