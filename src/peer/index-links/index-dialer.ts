// How an index link reaches its index over libp2p: dials the address (libp2p reuses an open
// connection) and tags the index peer, so the connection manager never prunes our connection to it.
import { INDEX_TAG, INDEX_TAG_VALUE } from '../constants.js'
import type { IndexConnection } from './index-link.js'
import type { PeerId, PeerStore } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface IndexDialerComponents {
  connectionManager: ConnectionManager
  peerStore: PeerStore
}

export function indexDialer (components: IndexDialerComponents, address: Multiaddr): (signal: AbortSignal) => Promise<IndexConnection> {
  let tagged: PeerId | undefined
  return async (signal) => {
    const connection = await components.connectionManager.openConnection(address, { signal })
    if (tagged?.equals(connection.remotePeer) !== true) {
      tagged = connection.remotePeer
      await components.peerStore.merge(connection.remotePeer, { tags: { [INDEX_TAG]: { value: INDEX_TAG_VALUE } } })
    }
    return connection
  }
}
