// Providers of a book from DHT provider records: the fallback when no index knows the book or none
// answers. Bounded in number and time; what was found before a failure still counts.
import { DHT_LOOKUP_TIMEOUT_MS, MAX_DHT_PROVIDERS } from '../constants.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { ContentRouting, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { deadline } from '../../limits/deadline.js'

export interface DhtLookupComponents {
  peerId: PeerId
  contentRouting: ContentRouting
}

export async function findProvidersInDht (components: DhtLookupComponents, cid: CID, signal?: AbortSignal): Promise<ProviderInfo[]> {
  const found = new Map<string, ProviderInfo>()
  try {
    for await (const p of components.contentRouting.findProviders(cid, { signal: deadline(DHT_LOOKUP_TIMEOUT_MS, signal) })) {
      if (p.id.equals(components.peerId)) continue
      found.set(p.id.toString(), { peerId: p.id.toString(), multiaddrs: p.multiaddrs.map(a => a.toString()) })
      if (found.size >= MAX_DHT_PROVIDERS) break
    }
  } catch (err) {
    if (found.size === 0) throw err
  }
  return [...found.values()]
}
