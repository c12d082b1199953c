// Public face of the peer service: `createLibp2p({ services: { arkshare: arkshare({...}) } })`.
import { ArkshareService, type Arkshare, type ArkshareComponents, type ArkshareInit } from './arkshare-service.js'

export type { Arkshare, ArkshareComponents, ArkshareInit, ArkshareEvents, SearchResults, SearchResultEntry, GetOptions } from './arkshare-service.js'
export type { DownloadProgress, DownloadResult } from './download/index.js'
export type { IndexStatus } from './index-links/index-link.js'
export type { ShelfEntry } from './serving/shelf.js'

/** Every default of the peer service (and of the CLI's peer commands), from one place. */
export * as PEER_DEFAULTS from './constants.js'

export function arkshare (init: ArkshareInit = {}): (components: ArkshareComponents) => Arkshare {
  return (components) => new ArkshareService(components, init)
}
