// Reaching a provider: a fetch stream to it over a connection that is not relayed (paths.ts), at the
// addresses it was listed with. A provider that restarted on a new port is listed again by the
// index under its new address while we still hold the old one: before such a provider counts as
// unreachable, the index is asked once more. When no direct path exists at all, a small book may
// come over the provider's relay instead (spec 5.5), an explicit, bounded fallback.
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { FETCH, FETCH_RELAYED } from '../../wire/messages.js'
import { RequestChannel } from '../../wire/request-channel.js'
import { RELAY_FALLBACK_MAX_BYTES } from '../constants.js'
import { relayedBookLimit } from '../reachability/relay-fallback.js'
import { DIAL_TIMEOUT_MS, RECEIVE_HIGH_WATER_BYTES } from './constants.js'
import { NoDirectPathError, type PathFinder } from './paths.js'
import type { FetchChannel } from './fetch-channel.js'
import type { ConnectionKind } from '../reachability/connection-kinds.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { Connection, PeerId, PeerStore } from '@libp2p/interface'
import { deadline } from '../../limits/deadline.js'

export interface DialComponents {
  peerStore: PeerStore
}

/** Asks the index for the book's providers as it lists them now. */
export type LookUpProviders = (signal: AbortSignal) => Promise<ProviderInfo[]>

/** An open fetch channel to a provider, and how it reaches it. */
export interface ProviderPath {
  channel: FetchChannel
  connection: ConnectionKind
  /** Over a relay: the largest book this path may carry (spec 5.5). */
  maxBookBytes?: number
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

export class ProviderDialer {
  /** Providers already looked up again in this download: once each. */
  private readonly lookedUp = new Set<string>()

  /**
   * @param bookBytes the book's size as the index listed it (0 when unknown): whether the relay
   * fallback is worth trying (the provider enforces its limit on the real size, and so do we once
   * the manifest is in)
   */
  constructor (private readonly components: DialComponents, private readonly paths: PathFinder, private readonly bookBytes: number, private readonly lookUp?: LookUpProviders) {}

  /** Opens a fetch stream to a provider; looking it up again, redialling and the fallback stay within the dial timeout. */
  async open (provider: ProviderInfo, signal: AbortSignal): Promise<ProviderPath> {
    const dialSignal = deadline(DIAL_TIMEOUT_MS, signal)
    const peerId = peerIdFromString(provider.peerId)
    let connection: Connection
    try {
      connection = await this.connect(peerId, provider, dialSignal)
    } catch (err) {
      if (!(err instanceof NoDirectPathError)) throw err
      return await this.overRelay(peerId, provider, err, dialSignal)
    }
    // bulk data never goes over a relayed connection
    const stream = await connection.newStream(FETCH.protocol, { signal: dialSignal, runOnLimitedConnection: false })
    // pipelined chunk replies (PIPELINE_DEPTH x CHUNKS_PER_REQUEST chunks) may wait a moment to be read
    return { channel: new RequestChannel(stream, FETCH, { highWaterBytes: RECEIVE_HIGH_WATER_BYTES }), connection: this.paths.kindOf(connection) }
  }

  private async connect (peerId: PeerId, provider: ProviderInfo, signal: AbortSignal): Promise<Connection> {
    await this.remember(peerId, provider.multiaddrs)
    try {
      return await this.paths.direct(peerId, provider, signal)
    } catch (err) {
      const moved = await this.movedTo(provider, signal).catch(() => undefined)
      if (moved == null) throw err
      await this.remember(peerId, moved.multiaddrs)
      return await this.paths.direct(peerId, moved, signal)
    }
  }

  /** The small-book fallback: the fetch exchange over the provider's relay, within what the relay allows. */
  private async overRelay (peerId: PeerId, provider: ProviderInfo, why: NoDirectPathError, signal: AbortSignal): Promise<ProviderPath> {
    if (this.bookBytes > RELAY_FALLBACK_MAX_BYTES) {
      throw new NoDirectPathError(`${why.message}; the book (${mib(this.bookBytes)}) is over the ${mib(RELAY_FALLBACK_MAX_BYTES)} that may come over a relay`)
    }
    const connection = await this.paths.relayed(peerId, provider, signal).catch((err) => { throw new NoDirectPathError(`${why.message}; no relayed connection either (${(err as Error).message})`) })
    const maxBookBytes = relayedBookLimit(connection) ?? RELAY_FALLBACK_MAX_BYTES
    if (this.bookBytes > maxBookBytes) {
      throw new NoDirectPathError(`${why.message}; the book (${mib(this.bookBytes)}) is over the ${mib(maxBookBytes)} this relay may carry`)
    }
    const stream = await connection.newStream(FETCH_RELAYED.protocol, { signal, runOnLimitedConnection: true })
    return { channel: new RequestChannel(stream, FETCH_RELAYED), connection: 'relayed', maxBookBytes }
  }

  private async remember (peerId: PeerId, addrs: string[]): Promise<void> {
    if (addrs.length > 0) await this.components.peerStore.merge(peerId, { multiaddrs: addrs.map(a => multiaddr(a)) })
  }

  /** The provider as the index lists it now, with only the addresses it was not listed at before; undefined when there are none. */
  private async movedTo (provider: ProviderInfo, signal: AbortSignal): Promise<ProviderInfo | undefined> {
    if (this.lookUp == null || signal.aborted || this.lookedUp.has(provider.peerId)) return undefined
    this.lookedUp.add(provider.peerId)
    const now = (await this.lookUp(signal)).find(p => p.peerId === provider.peerId)
    const multiaddrs = (now?.multiaddrs ?? []).filter(a => !provider.multiaddrs.includes(a))
    return multiaddrs.length > 0 ? { ...provider, ...now, multiaddrs } : undefined
  }
}
