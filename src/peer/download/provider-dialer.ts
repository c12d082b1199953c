// Reaching a provider: a fetch stream to it, at the addresses it was listed with. A provider that
// restarted on a new port is listed again by the index under its new address while we still hold
// the old one: before such a provider counts as unreachable, the index is asked once more.
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { FETCH } from '../../wire/messages.js'
import { FETCH_PROTOCOL } from '../../wire/protocols.js'
import { RequestChannel } from '../../wire/request-channel.js'
import { DIAL_TIMEOUT_MS, RECEIVE_HIGH_WATER_BYTES } from './constants.js'
import type { FetchChannel } from './fetch-channel.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { Connection, PeerId, PeerStore } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

export interface DialComponents {
  peerStore: PeerStore
  connectionManager: ConnectionManager
}

/** Asks the index for the book's providers as it lists them now. */
export type LookUpProviders = (signal: AbortSignal) => Promise<ProviderInfo[]>

/** Listed addresses come without the `/p2p/` suffix (spec 5.1); a dial by address needs it. */
function withPeerId (addr: string, peerId: PeerId): Multiaddr {
  const ma = multiaddr(addr)
  return ma.getComponents().some(c => c.name === 'p2p') ? ma : ma.encapsulate(`/p2p/${peerId.toString()}`)
}

export class ProviderDialer {
  /** Providers already looked up again in this download: once each. */
  private readonly lookedUp = new Set<string>()

  constructor (private readonly components: DialComponents, private readonly lookUp?: LookUpProviders) {}

  /** Opens a fetch stream to a provider; looking it up again and redialling stay within the dial timeout. */
  async open (provider: ProviderInfo, signal: AbortSignal): Promise<FetchChannel> {
    const dialSignal = AbortSignal.any([signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)])
    const connection = await this.connect(provider, dialSignal)
    // bulk data never goes over a relayed connection
    const stream = await connection.newStream(FETCH_PROTOCOL, { signal: dialSignal, runOnLimitedConnection: false })
    // pipelined chunk replies (PIPELINE_DEPTH x CHUNKS_PER_REQUEST chunks) may wait a moment to be read
    return new RequestChannel(stream, FETCH, { highWaterBytes: RECEIVE_HIGH_WATER_BYTES })
  }

  private async connect (provider: ProviderInfo, signal: AbortSignal): Promise<Connection> {
    const peerId = peerIdFromString(provider.peerId)
    await this.remember(peerId, provider.multiaddrs)
    try {
      return await this.components.connectionManager.openConnection(peerId, { signal })
    } catch (err) {
      const moved = await this.addressesNotTried(provider, signal).catch(() => [])
      if (moved.length === 0) throw err
      await this.remember(peerId, moved)
      return await this.components.connectionManager.openConnection(moved.map(a => withPeerId(a, peerId)), { signal })
    }
  }

  private async remember (peerId: PeerId, addrs: string[]): Promise<void> {
    if (addrs.length > 0) await this.components.peerStore.merge(peerId, { multiaddrs: addrs.map(a => multiaddr(a)) })
  }

  /** The provider's addresses as the index lists them now, less those it was listed with. */
  private async addressesNotTried (provider: ProviderInfo, signal: AbortSignal): Promise<string[]> {
    if (this.lookUp == null || signal.aborted || this.lookedUp.has(provider.peerId)) return []
    this.lookedUp.add(provider.peerId)
    const now = (await this.lookUp(signal)).find(p => p.peerId === provider.peerId)
    return (now?.multiaddrs ?? []).filter(a => !provider.multiaddrs.includes(a))
  }
}
