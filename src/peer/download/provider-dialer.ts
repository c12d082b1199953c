// Reaching a provider: a fetch stream to it, at the addresses it was listed with.
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { FetchRequest, FetchResponse } from '../../wire/arkshare.pb.js'
import { FETCH_PROTOCOL, LIMITS } from '../../wire/protocols.js'
import { RequestChannel } from '../../wire/request-channel.js'
import { DIAL_TIMEOUT_MS } from './constants.js'
import type { FetchChannel } from './fetch-channel.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { PeerStore } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

export interface DialComponents {
  peerStore: PeerStore
  connectionManager: ConnectionManager
}

export class ProviderDialer {
  constructor (private readonly components: DialComponents) {}

  /** Opens a fetch stream to a provider, within the dial timeout. */
  async open (provider: ProviderInfo, signal: AbortSignal): Promise<FetchChannel> {
    const peerId = peerIdFromString(provider.peerId)
    if (provider.multiaddrs.length > 0) {
      await this.components.peerStore.merge(peerId, { multiaddrs: provider.multiaddrs.map(a => multiaddr(a)) })
    }
    const stream = await this.components.connectionManager.openStream(peerId, FETCH_PROTOCOL, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]),
      // bulk data never goes over a relayed connection
      runOnLimitedConnection: false
    })
    return new RequestChannel(stream, {
      request: FetchRequest,
      response: FetchResponse,
      maxResponseBytes: LIMITS.fetch.maxResponseBytes
    })
  }
}
