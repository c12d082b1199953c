// Public face of the peer service: `createLibp2p({ services: { arkshare: arkshare({...}) } })`.
import { ArkshareService, type Arkshare, type ArkshareComponents, type ArkshareInit } from './arkshare-service.js'

export type { Arkshare, ArkshareComponents, ArkshareInit, ArkshareEvents, SearchResults, SearchResultEntry, GetOptions } from './arkshare-service.js'
export type { DownloadProgress, DownloadResult } from './download/index.js'
export type { IndexStatus } from './index-link.js'
export type { ShelfEntry } from './shelf.js'

export function arkshare (init: ArkshareInit = {}): (components: ArkshareComponents) => Arkshare {
  return (components) => new ArkshareService(components, init)
}
