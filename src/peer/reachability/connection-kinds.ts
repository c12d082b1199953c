// What kind of path a connection to a peer is: direct, hole-punched (a direct connection that the
// relay's signalling made possible: WebRTC through ICE, or DCUtR, a reversal included), or relayed
// (through an index's relay, limited). DCUtR's connections look like any other TCP connection, so
// one the peer opens to us while it is connected to us only through a relay (it dialled us back) is
// remembered as hole-punched.
import type { Connection, Libp2pEvents } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import type { TypedEventTarget } from 'main-event'

export type ConnectionKind = 'direct' | 'hole-punched' | 'relayed'

export interface ConnectionKindsComponents {
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
}

export class ConnectionKinds {
  /** Connections (by id) that replaced a relayed one. */
  private readonly upgraded = new Set<string>()

  constructor (private readonly components: ConnectionKindsComponents) {
    this.onOpen = this.onOpen.bind(this)
    this.onClose = this.onClose.bind(this)
  }

  start (): void {
    this.components.events.addEventListener('connection:open', this.onOpen)
    this.components.events.addEventListener('connection:close', this.onClose)
  }

  stop (): void {
    this.components.events.removeEventListener('connection:open', this.onOpen)
    this.components.events.removeEventListener('connection:close', this.onClose)
    this.upgraded.clear()
  }

  kind (connection: Connection): ConnectionKind {
    if (connection.limits != null || !connection.direct) return 'relayed'
    if (connection.remoteAddr.getComponents().some(c => c.name === 'webrtc') || this.upgraded.has(connection.id)) return 'hole-punched'
    return 'direct'
  }

  private onOpen (evt: CustomEvent<Connection>): void {
    const connection = evt.detail
    if (!connection.direct || connection.direction !== 'inbound') return
    const relayed = this.components.connectionManager.getConnections(connection.remotePeer).some(c => c.id !== connection.id && !c.direct)
    if (relayed) this.upgraded.add(connection.id)
  }

  private onClose (evt: CustomEvent<Connection>): void {
    this.upgraded.delete(evt.detail.id)
  }
}
