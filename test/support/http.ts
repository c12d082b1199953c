// HTTP test support: requests with exact paths and any headers (node:http: fetch would normalise
// `/../x` and refuse to set Host), and a peer or index node with its HTTP face on loopback.
import { request, type IncomingHttpHeaders } from 'node:http'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { createIndexHttp, createPeerHttp, type HttpServer, type PeerHttpInit } from '../../src/http/index.js'
import { startPeer, startIndex } from '../helpers.js'
import type { ArkshareNode, ArkshareNodeOptions, IndexNode, IndexNodeOptions } from '../../src/node/create-node.js'

export interface RawResponse { status: number, headers: IncomingHttpHeaders, body: string }

export interface RawRequest {
  method?: string
  path: string
  headers?: Record<string, string | number>
  body?: string | Buffer
  /** Send the body in chunks with no Content-Length. */
  chunked?: boolean
}

/** One request to 127.0.0.1:`port`, the path sent exactly as given. */
export async function raw (port: number, r: RawRequest): Promise<RawResponse> {
  return await new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { host: `127.0.0.1:${port}`, ...r.headers }
    if (r.body != null && r.chunked !== true) headers['content-length'] = Buffer.byteLength(r.body)
    const req = request({ host: '127.0.0.1', port, method: r.method ?? 'GET', path: r.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }) })
      res.on('error', reject)
    })
    // a server may answer (413) and close before the whole body is sent
    req.on('error', (err: NodeJS.ErrnoException) => { if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err) })
    if (r.body != null) req.write(r.body)
    req.end()
  })
}

/** The page a test serves: an import map inline, a module, and a stylesheet. */
export const TEST_PAGE = '<!doctype html><html><head><script type="importmap">{"imports":{"preact":"/vendor/preact/preact.module.js"}}</script><script type="module" src="/ui/app.js"></script></head><body></body></html>'

export async function writeTestPage (dir: string): Promise<{ ui: string, vendor: string }> {
  const ui = join(dir, 'ui')
  const vendor = join(dir, 'vendor')
  await mkdir(ui, { recursive: true })
  await mkdir(vendor, { recursive: true })
  await writeFile(join(ui, 'index.html'), TEST_PAGE)
  await writeFile(join(ui, 'app.js'), 'export const app = 1\n')
  await writeFile(join(vendor, 'preact.module.js'), 'export const h = 1\n')
  return { ui, vendor }
}

export interface WebNode<N> {
  node: N
  server: HttpServer
  registry: Registry
  port: number
  base: string
  token: string
  bearer: Record<string, string>
  stop: () => Promise<void>
}

async function serve<N extends { stop: () => void | Promise<void> }> (node: N, server: HttpServer, registry: Registry): Promise<WebNode<N>> {
  await server.start()
  const token = new URL(server.pageUrl).hash.replace(/^#token=/, '')
  return {
    node,
    server,
    registry,
    port: server.port,
    base: `http://127.0.0.1:${server.port}`,
    token,
    bearer: { authorization: `Bearer ${token}` },
    stop: async () => {
      await server.stop()
      await node.stop()
    }
  }
}

/** A peer registered with `index`, serving HTTP on 127.0.0.1 (its token file and page under `dir`). */
export async function webPeer (index: IndexNode, dir: string, options: ArkshareNodeOptions = {}, http: Partial<PeerHttpInit> = {}): Promise<WebNode<ArkshareNode>> {
  const registry = new Registry()
  const node = await startPeer(index, { dataDir: join(dir, 'data'), downloads: join(dir, 'dl'), metricsRegistry: registry, ...options })
  const page = await writeTestPage(dir)
  const server = await createPeerHttp(node, {
    port: 0,
    tokenFile: join(dir, 'data', 'http-token'),
    registry,
    files: { mounts: [{ prefix: '/ui/', dir: page.ui }, { prefix: '/vendor/preact/', dir: page.vendor }], page: '/ui/index.html' },
    ...http
  })
  return await serve(node, server, registry)
}

/** An index serving HTTP on 127.0.0.1. */
export async function webIndex (dir: string, options: IndexNodeOptions = {}): Promise<WebNode<IndexNode>> {
  const registry = new Registry()
  const node = await startIndex({ metricsRegistry: registry, ...options })
  const server = await createIndexHttp(node, { port: 0, tokenFile: join(dir, 'index-http-token'), registry })
  return await serve(node, server, registry)
}

export interface ServerEvent { event: string, data: any }

/**
 * Opens an event stream and collects its events (and comment lines, as `:` events) until `done`
 * says it has what it wants; then closes it.
 */
export async function collectEvents (url: string, headers: Record<string, string>, done: (events: ServerEvent[]) => boolean, timeoutMs = 20_000): Promise<ServerEvent[]> {
  const halt = new AbortController()
  const timer = setTimeout(() => { halt.abort(new Error(`no such events within ${timeoutMs} ms`)) }, timeoutMs)
  const events: ServerEvent[] = []
  try {
    const res = await fetch(url, { headers, signal: halt.signal })
    if (res.status !== 200) throw new Error(`event stream answered ${res.status}: ${await res.text()}`)
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader()
    let buffered = ''
    while (!done(events)) {
      const { value, done: ended } = await reader.read()
      if (ended) break
      buffered += value
      let end: number
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        if (block.startsWith(':')) {
          events.push({ event: ':', data: block.slice(1).trim() })
          continue
        }
        const data = /^data: (.*)$/m.exec(block)?.[1]
        // a block with no data (`retry: N`) dispatches nothing in a browser either
        if (data == null) continue
        events.push({ event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(data) })
      }
    }
    await reader.cancel().catch(() => {})
    return events
  } finally {
    clearTimeout(timer)
    halt.abort()
  }
}
