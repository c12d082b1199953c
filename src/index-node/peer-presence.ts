// Registered peers coming and going, as libp2p's events tell it: a disconnect starts a peer's grace
// period (and shortens cached pages to it), a reconnect ends it, identify keeps its addresses
// current; a departed peer is dropped from the peer store.
import { isLoopback } from '@libp2p/utils'
import { listedAddresses } from './listed-addresses.js'
import type { Catalog } from './catalog/catalog.js'
import type { SearchCache } from './search-cache.js'
import type { IdentifyResult, Libp2pEvents, PeerId, PeerStore, Startable } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import type { TypedEventTarget } from 'main-event'

export interface PeerPresenceInit {
  events: TypedEventTarget<Libp2pEvents>
  peerStore: PeerStore
  connectionManager: ConnectionManager
  /** The open catalog (the presence runs only while it is). */
  catalog: () => Catalog
  cache: SearchCache<Uint8Array>
  now: () => number
}

export class PeerPresence implements Startable {
  constructor (private readonly init: PeerPresenceInit) {
    this.onDisconnect = this.onDisconnect.bind(this)
    this.onConnect = this.onConnect.bind(this)
    this.onIdentify = this.onIdentify.bind(this)
  }

  start (): void {
    this.init.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.init.events.addEventListener('peer:connect', this.onConnect)
    this.init.events.addEventListener('peer:identify', this.onIdentify)
  }

  stop (): void {
    this.init.events.removeEventListener('peer:disconnect', this.onDisconnect)
    this.init.events.removeEventListener('peer:connect', this.onConnect)
    this.init.events.removeEventListener('peer:identify', this.onIdentify)
  }

  private onDisconnect (evt: CustomEvent<PeerId>): void {
    const peer = evt.detail.toString()
    const catalog = this.init.catalog()
    if (catalog.leaseExpiresAt(peer) != null) {
      catalog.markDisconnected(peer, this.init.now())
      // pages listing this peer are true until its grace period ends (usually longer than they are cached)
      this.init.cache.expireBy(this.init.now() + catalog.graceMs)
    }
    void this.forgetDeparted(evt.detail)
  }

  /**
   * An index meets an endless stream of peers, and libp2p's peer store keeps each one (addresses,
   * protocols, keys: ~8 KB) until something reads it again. The catalog holds what results need,
   * so a departed peer is forgotten, unless another service (the DHT's routing table) tagged it.
   */
  private async forgetDeparted (peerId: PeerId): Promise<void> {
    try {
      const peer = await this.init.peerStore.get(peerId)
      if (peer.tags.size > 0 || this.init.connectionManager.getConnections(peerId).length > 0) return
      await this.init.peerStore.delete(peerId)
    } catch {
      // not in the store (already gone) or the node is stopping: nothing to forget
    }
  }

  private onConnect (evt: CustomEvent<PeerId>): void {
    const peer = evt.detail.toString()
    const catalog = this.init.catalog()
    if (catalog.leaseExpiresAt(peer) != null) catalog.markConnected(peer)
  }

  /** Identify (and identify-push) tells us a peer's listen addresses; keep registered peers' current. */
  private onIdentify (evt: CustomEvent<IdentifyResult>): void {
    const peer = evt.detail.peerId.toString()
    const catalog = this.init.catalog()
    const expires = catalog.leaseExpiresAt(peer)
    if (expires != null && expires > this.init.now()) {
      catalog.upsertPeer(peer, listedAddresses(evt.detail.listenAddrs, isLoopback(evt.detail.connection.remoteAddr)), expires)
    }
  }
}
