// An index's API under /api/v1: its status, as the status page shows it: the catalog's counts, what
// it was asked and refused (searches and registrations a second, by outcome, rate-limited
// requests, streams and connections refused), connections, memory, uptime. Counts only: no query
// text, no peer IDs.
import type { IndexNode } from '../../node/create-node.js'
import type { Route } from '../router.js'

export function indexStatus (node: IndexNode): Record<string, unknown> {
  return {
    ...node.services.index.stats(),
    ...node.services.index.requestCounters(),
    connections: node.getConnections().length,
    rssBytes: process.memoryUsage.rss(),
    uptimeSeconds: Math.round(process.uptime())
  }
}

export function indexRoutes (node: IndexNode): Route[] {
  return [
    { method: 'GET', path: '/api/v1/status', handler: () => ({ body: indexStatus(node) }) }
  ]
}
