// Public face of the index service: `createLibp2p({ services: { index: arkshareIndex({...}) } })`.
import { ArkshareIndexService, type ArkshareIndex, type ArkshareIndexComponents, type ArkshareIndexInit } from './index-service.js'

export type { ArkshareIndex, ArkshareIndexComponents, ArkshareIndexInit }
export type { CatalogStats, SearchHit, SearchPage } from './catalog/types.js'

/** Every default of the index service (and of `arkshare index`), from one place. */
export * as INDEX_DEFAULTS from './constants.js'

export function arkshareIndex (init: ArkshareIndexInit = {}): (components: ArkshareIndexComponents) => ArkshareIndex {
  return (components) => new ArkshareIndexService(components, init)
}
