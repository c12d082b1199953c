// The HTTP server: node:http, a small router, and the checks every request passes in order:
// Host (421), where it comes from (403), the token where one is needed (401/429), the route
// (404/405), its body (415/413/400); then the handler. Static files come from memory only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import { HEADERS_TIMEOUT_MS, MAX_BODY_BYTES, MAX_CONNECTIONS, REQUEST_TIMEOUT_MS } from './constants.js'
import { HttpError, invalid } from './errors.js'
import { objectBody, readJsonBody } from './request-body.js'
import { sendError, sendJson, sendText } from './responses.js'
import { Router, type Match, type Route } from './router.js'
import { Authenticator } from './security/auth.js'
import { contentSecurityPolicy, setSecurityHeaders } from './security/headers.js'
import { allowedHosts, isLoopback, OriginGuard } from './security/origin-guard.js'
import { TokenCheck } from './security/token.js'
import type { HttpMetrics } from './metrics/http-metrics.js'
import type { StaticFiles } from './static-files.js'
import type { Startable } from '@libp2p/interface'
import { deadline } from '../limits/deadline.js'

/** Whether a path needs the token: decided by the role and where the server listens. */
export type AccessRule = (pathname: string) => 'open' | 'token'

export interface HttpServerInit {
  host: string
  port: number
  /** More names the server answers to (`--http-host`). */
  hostNames?: string[]
  token: string
  routes: Route[]
  access: AccessRule
  files?: StaticFiles
  metrics: HttpMetrics
  /** Parts started after the server listens and stopped before it closes (event sources). */
  parts?: Startable[]
}

/** The client's address, IPv4 ones without their IPv6 mapping. */
function clientAddress (req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')
}

/** Path and query of a request target, split by hand: `//x` is a path here, not a host. */
function splitTarget (url: string): { pathname: string, query: URLSearchParams } {
  const q = url.indexOf('?')
  return q < 0 ? { pathname: url, query: new URLSearchParams() } : { pathname: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) }
}

export class HttpServer implements Startable {
  private readonly server: Server
  private readonly router: Router
  private readonly tokens: TokenCheck
  private readonly csp: string
  private guard?: OriginGuard
  private auth?: Authenticator
  private boundPort = 0

  constructor (private readonly init: HttpServerInit) {
    this.tokens = new TokenCheck(init.token)
    this.csp = contentSecurityPolicy(init.files?.importMap)
    this.router = new Router([...init.routes, { method: 'POST', path: '/api/v1/session', handler: (ctx) => this.session(ctx.address, ctx.body) }])
    this.server = createServer((req, res) => { void this.handle(req, res) })
    this.server.headersTimeout = HEADERS_TIMEOUT_MS
    this.server.requestTimeout = REQUEST_TIMEOUT_MS
    this.server.maxConnections = MAX_CONNECTIONS
  }

  get port (): number { return this.boundPort }

  /** Where a browser on this machine finds the page. */
  get url (): string {
    const { host } = this.init
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : isIP(host) === 6 ? `[${host}]` : host
    return `http://${shown}:${this.boundPort}/`
  }

  /** The page's address with the token in its fragment (never sent to a server; the page trades it for the cookie). */
  get pageUrl (): string {
    return `${this.url}#token=${this.init.token}`
  }

  get loopback (): boolean { return isLoopback(this.init.host) }

  async start (): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new Error(`cannot serve HTTP on ${this.init.host}:${this.init.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`))
      }
      this.server.once('error', onError)
      this.server.listen({ host: this.init.host, port: this.init.port }, () => {
        this.server.off('error', onError)
        resolve()
      })
    })
    const address = this.server.address()
    this.boundPort = typeof address === 'object' && address != null ? address.port : this.init.port
    this.guard = new OriginGuard(allowedHosts(this.init.host, this.boundPort, this.init.hostNames))
    this.auth = new Authenticator(this.tokens, `arkshare_session_${this.boundPort}`)
    for (const part of this.init.parts ?? []) await part.start()
  }

  async stop (): Promise<void> {
    for (const part of this.init.parts ?? []) await part.stop()
    const closed = new Promise<void>(resolve => { this.server.close(() => { resolve() }) })
    this.server.closeAllConnections()
    await closed
  }

  private async handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    let label = 'unmatched'
    res.once('close', () => { this.init.metrics.observe(label, res.statusCode, (performance.now() - started) / 1000) })
    const halt = new AbortController()
    res.once('close', () => { halt.abort(new Error('the client went away')) })
    try {
      setSecurityHeaders(res, this.csp)
      const guard = this.guard as OriginGuard
      guard.checkHost(req.headers)
      guard.checkSource(req.headers)
      const method = req.method ?? 'GET'
      const { pathname, query } = splitTarget(req.url ?? '/')
      const file = method === 'GET' || method === 'HEAD' ? this.init.files?.get(pathname) : undefined
      if (file != null) {
        label = 'static'
        this.sendFile(req, res, file)
        return
      }
      const address = clientAddress(req)
      // matched before the token is checked so a refusal is counted under its route, but a caller
      // without the token learns nothing from a 404 or 405
      const match = this.matchRoute(method, pathname)
      if (!(match instanceof HttpError)) label = match.route.path
      if (this.init.access(pathname) === 'token' && pathname !== '/api/v1/session') {
        if ((this.auth as Authenticator).authenticate(address, req.headers) === 'cookie') guard.checkCookieChange(method, req.headers)
      }
      if (match instanceof HttpError) throw match
      const { route, params } = match
      const body = await readJsonBody(req, MAX_BODY_BYTES)
      const signal = route.streams === true ? halt.signal : deadline(REQUEST_TIMEOUT_MS, halt.signal)
      const reply = await route.handler({ req, res, params, query, body, address, signal })
      if (reply?.text != null) sendText(res, reply.status ?? 200, reply.text, reply.headers)
      else if (reply != null) sendJson(res, reply.status ?? 200, reply.body, reply.headers)
    } catch (err) {
      sendError(res, err)
    }
  }

  private matchRoute (method: string, pathname: string): Match | HttpError {
    try {
      return this.router.match(method, pathname)
    } catch (err) {
      if (err instanceof HttpError) return err
      throw err
    }
  }

  private sendFile (req: IncomingMessage, res: ServerResponse, file: { body: Buffer, type: string, etag: string }): void {
    const headers = { 'Content-Type': file.type, ETag: file.etag, 'Cache-Control': 'no-cache' }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers).end()
      return
    }
    res.writeHead(200, { ...headers, 'Content-Length': file.body.length })
    res.end(file.body)
  }

  /** POST /api/v1/session `{"token"}`: the token for the session cookie (the page's way in). */
  private session (address: string, body: unknown): { status: number, body: unknown, headers: Record<string, string> } {
    const token = objectBody(body).token
    if (typeof token !== 'string' || token === '') throw invalid('token', 'expected the token, a string')
    const cookie = (this.auth as Authenticator).exchange(address, token)
    return { status: 200, body: { ok: true }, headers: { 'Set-Cookie': cookie } }
  }
}
