// What both roles answer: who they are (`info`: the page picks its screens by role), the event
// stream, Prometheus metrics and a health check.
import type { EventHub } from '../events/event-hub.js'
import type { Route } from '../router.js'
import type { Libp2p } from '@libp2p/interface'
import type { Registry } from 'prom-client'

import type { Role } from '../security/access.js'

export interface CommonApiInit {
  node: Libp2p<any>
  role: Role
  version: string
  registry: Registry
  events: EventHub
}

function infoView ({ node, role, version }: CommonApiInit): Record<string, unknown> {
  return { role, version, peerId: node.peerId.toString(), multiaddrs: node.getMultiaddrs().map(a => a.toString()) }
}

export function commonRoutes (init: CommonApiInit): Route[] {
  return [
    { method: 'GET', path: '/healthz', handler: () => ({ body: { ok: true } }) },
    { method: 'GET', path: '/api/v1/info', handler: () => ({ body: infoView(init) }) },
    { method: 'GET', path: '/api/v1/events', streams: true, handler: async (ctx) => await init.events.open(ctx) },
    {
      method: 'GET',
      path: '/metrics',
      handler: async () => {
        const text = await init.registry.metrics()
        return { text, headers: { 'Content-Type': init.registry.contentType } }
      }
    }
  ]
}
