// Public face of the HTTP side: a peer's or an index's web page, JSON API, event stream and
// Prometheus metrics, served beside its node (`arkshare node|index --http`).
import { PeerMetrics } from './metrics/peer-metrics.js'
import { commonRoutes } from './api/common-routes.js'
import { indexRoutes } from './api/index-routes.js'
import { peerRoutes } from './api/peer-routes.js'
import { DEFAULT_HOST } from './constants.js'
import { EventHub, type EventClient } from './events/event-hub.js'
import { IndexEvents } from './events/index-events.js'
import { PeerEvents } from './events/peer-events.js'
import { HttpServer } from './http-server.js'
import { IndexMetrics } from './metrics/index-metrics.js'
import { HttpMetrics } from './metrics/http-metrics.js'
import { builtPage, VERSION } from './package-files.js'
import { accessRule, type Role } from './security/access.js'
import { loadOrCreateToken } from './security/token.js'
import { StaticFiles, type StaticFilesInit } from './static-files.js'
import type { ArkshareNode, IndexNode } from '../node/create-node.js'
import type { Route } from './router.js'
import type { Startable } from '@libp2p/interface'
import type { Registry } from 'prom-client'

export type { HttpServer } from './http-server.js'
export type { StaticFilesInit } from './static-files.js'

/** Every default of the HTTP side (and of the CLI's `--http` options), from one place. */
export * as HTTP_DEFAULTS from './constants.js'

export interface HttpInit {
  /**
   * Address to listen on.
   *
   * @default DEFAULT_HOST
   */
  host?: string
  /** Port to listen on; 0 picks a free one. */
  port: number
  /** More names the server answers to (a reverse proxy's, a LAN name). */
  hostNames?: string[]
  /** The token file (`<data>/http-token` in the CLI). */
  tokenFile: string
  /** The node's metrics registry: the one its libp2p metrics were given. */
  registry: Registry
  /** The page's files; by default the built page (`dist/ui/`) when there is one. */
  files?: StaticFilesInit
}

export interface PeerHttpInit extends HttpInit {
  /** The shared folders and the downloads folder, shown read-only. */
  roots?: string[]
}

async function pageFiles (init: HttpInit): Promise<StaticFiles | undefined> {
  if (init.files != null) return await StaticFiles.load(init.files)
  const page = builtPage()
  return page != null ? await StaticFiles.load(page) : undefined
}

async function build (role: Role, node: ArkshareNode | IndexNode, init: HttpInit, roleRoutes: Route[], events: Startable, hub: EventHub, metrics: HttpMetrics, parts: Startable[] = []): Promise<HttpServer> {
  const host = init.host ?? DEFAULT_HOST
  return new HttpServer({
    host,
    port: init.port,
    hostNames: init.hostNames,
    token: await loadOrCreateToken(init.tokenFile),
    files: await pageFiles(init),
    routes: [...commonRoutes({ node, role, version: VERSION, registry: init.registry, events: hub }), ...roleRoutes],
    access: accessRule(role, host),
    metrics,
    parts: [hub, events, ...parts]
  })
}

function hubFor (metrics: HttpMetrics, snapshot: (client: EventClient) => unknown): EventHub {
  return new EventHub({ snapshot, onClients: (n) => { metrics.eventClients.set(n) } })
}

export async function createPeerHttp (node: ArkshareNode, init: PeerHttpInit): Promise<HttpServer> {
  const metrics = new HttpMetrics(init.registry, { version: VERSION, role: 'peer' })
  const peerMetrics = new PeerMetrics(init.registry, node)
  const hub = hubFor(metrics, (client) => events.snapshot(client))
  const events = new PeerEvents(node, hub)
  return await build('peer', node, init, peerRoutes({ node, roots: init.roots ?? [] }), events, hub, metrics, [peerMetrics])
}

export async function createIndexHttp (node: IndexNode, init: HttpInit): Promise<HttpServer> {
  const metrics = new HttpMetrics(init.registry, { version: VERSION, role: 'index' })
  const indexMetrics = new IndexMetrics(init.registry, node)
  const hub = hubFor(metrics, () => events.snapshot())
  const events = new IndexEvents(node, hub)
  return await build('index', node, init, indexRoutes(node), events, hub, metrics, [indexMetrics])
}
