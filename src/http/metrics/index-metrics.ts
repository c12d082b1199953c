// An index's arkshare series, on its node's registry: the catalog's counts, read when scraped.
import { stateGauge } from './totals.js'
import type { Registry } from 'prom-client'
import type { IndexNode } from '../../node/create-node.js'
import type { CatalogStats } from '../../index-node/index.js'

const COUNTS: Array<{ key: keyof CatalogStats, name: string, help: string }> = [
  { key: 'peersOnline', name: 'arkshare_index_peers_online', help: 'Registered peers connected now or within the disconnect grace period' },
  { key: 'peersRegistered', name: 'arkshare_index_peers_registered', help: 'Peers holding a live lease' },
  { key: 'books', name: 'arkshare_index_books', help: 'Distinct books with at least one online provider' },
  { key: 'providers', name: 'arkshare_index_providers', help: 'Listings (peer, book) of online peers' }
]

export function registerIndexMetrics (registry: Registry, node: IndexNode): void {
  for (const { key, name, help } of COUNTS) {
    stateGauge(registry, name, help, () => node.services.index.stats()[key])
  }
}
