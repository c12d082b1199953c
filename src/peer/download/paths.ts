// How a downloader reaches a provider without a relay in the middle. Its direct addresses first;
// then the upgrade paths, which go through its relay address: WebRTC (ICE punches through both
// NATs, the relay carrying only the signalling) and, when we can be dialled, DCUtR reversal (the
// provider dials us back). Against a provider listed with a public address the upgrade paths wait
// a moment for the direct dial; otherwise everything starts at once and the first connection that
// is not relayed wins. (Bulk data never goes over a relay: spec 5.4.)
//
// The paths are dialled through the transports themselves: libp2p's dial queue tries one address
// of a peer at a time (and joins every dial to a peer into one), so a WebRTC attempt would wait
// out each unreachable direct address first. The connections are the node's like any other.
import { isPrivate } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { normaliseError } from '../../wire/errors.js'
import { HOLE_PUNCH_WAIT_MS, PRIVATE_DIAL_TIMEOUT_MS, UPGRADE_HEAD_START_MS } from './constants.js'
import type { ConnectionKind } from '../reachability/connection-kinds.js'
import type { Reachability } from '../reachability/reachability.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { Connection, Libp2pEvents, PeerId } from '@libp2p/interface'
import type { ConnectionManager, TransportManager } from '@libp2p/interface-internal'
import type { TypedEventTarget } from 'main-event'
import { deadline } from '../../limits/deadline.js'

export interface PathComponents {
  connectionManager: ConnectionManager
  transportManager: TransportManager
  events: TypedEventTarget<Libp2pEvents>
}

/** What the reachability part tells the downloader. */
export interface PathOptions {
  /** How a connection reaches its peer. */
  kindOf: (connection: Connection) => ConnectionKind
  /** How others reach us (a provider behind a NAT can dial us back only if we are public). */
  reachability: () => Reachability
}

/** No connection without a relay in the middle could be made to a provider (the reason says why). */
export class NoDirectPathError extends Error {
  override name = 'NoDirectPathError'
}

/** A listed address, dialable: it ends with the provider's peer ID (spec 5.1 lists them without). */
function withPeerId (addr: string, peerId: PeerId): Multiaddr {
  const ma = multiaddr(addr)
  return ma.getComponents().at(-1)?.name === 'p2p' && ma.getComponents().at(-1)?.value === peerId.toString() ? ma : ma.encapsulate(`/p2p/${peerId.toString()}`)
}

interface ListedAddresses { direct: Multiaddr[], webrtc: Multiaddr[], relay: Multiaddr[] }

function sort (addrs: string[], peerId: PeerId): ListedAddresses {
  const listed: ListedAddresses = { direct: [], webrtc: [], relay: [] }
  for (const addr of addrs) {
    let ma: Multiaddr
    try { ma = withPeerId(addr, peerId) } catch { continue }
    const names = ma.getComponents().map(c => c.name)
    if (!names.includes('p2p-circuit')) listed.direct.push(ma)
    else if (names.includes('webrtc')) listed.webrtc.push(ma)
    else listed.relay.push(ma)
  }
  return listed
}

const publicReach = (self: Reachability): boolean => self === 'public' || self === 'upnp'

/** Why there is no direct path, in one line. */
function noPathReason (provider: ProviderInfo, self: Reachability, tried: string[]): string {
  if (provider.reachability === 'relay-only' && !publicReach(self)) {
    return `provider behind a symmetric NAT; no direct path (hole punching cannot cross it, and ${self === 'relay-only' ? 'this peer is behind one too' : 'it cannot dial this peer back: this peer is not publicly reachable'})`
  }
  return `no direct path to the provider${tried.length > 0 ? ` (${tried.join('; ')})` : ' (no address to try)'}`
}

function after (ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0) { resolve(); return }
    const timer = setTimeout(() => { signal.removeEventListener('abort', stop); resolve() }, ms)
    const stop = (): void => { clearTimeout(timer); reject(signal.reason) }
    signal.addEventListener('abort', stop, { once: true })
  })
}

export class PathFinder {
  constructor (private readonly components: PathComponents, private readonly options: PathOptions) {}

  kindOf (connection: Connection): ConnectionKind {
    return this.options.kindOf(connection)
  }

  /** A connection to the provider that is not relayed, or NoDirectPathError saying why there is none. */
  async direct (peerId: PeerId, provider: ProviderInfo, signal: AbortSignal): Promise<Connection> {
    const open = this.components.connectionManager.getConnections(peerId).find(c => c.status === 'open' && c.limits == null)
    if (open != null) return open
    const { direct, webrtc, relay } = sort(provider.multiaddrs, peerId)
    const self = this.options.reachability()
    const losers = new AbortController()
    const attempt = AbortSignal.any([signal, losers.signal])
    const tried: string[] = []
    const path = async (name: string, run: () => Promise<Connection>): Promise<Connection> => {
      try {
        return await run()
      } catch (err) {
        if (!attempt.aborted) tried.push(`${name}: ${normaliseError(err).message.split('\n')[0]}`)
        throw err
      }
    }
    const headStart = direct.some(ma => !isPrivate(ma)) ? UPGRADE_HEAD_START_MS : 0
    const paths: Array<Promise<Connection>> = []
    for (const addr of direct) {
      const bounded = isPrivate(addr) ? deadline(PRIVATE_DIAL_TIMEOUT_MS, attempt) : attempt
      paths.push(path('direct', async () => await this.dial(addr, bounded)))
    }
    if (webrtc.length > 0 && provider.reachability !== 'relay-only') {
      paths.push(path('WebRTC', async () => { await after(headStart, attempt); return await this.firstOf(webrtc, attempt) }))
    }
    // DCUtR: the provider, reached through the relay (WebRTC's signalling does that too), dials us
    // back, which works when we are reachable
    if (relay.length > 0 && publicReach(self)) {
      paths.push(path('reversal', async () => { await after(headStart, attempt); return await this.reversal(peerId, relay, attempt) }))
    }
    try {
      if (paths.length === 0) throw new Error('nothing to try')
      return await Promise.any(paths)
    } catch {
      signal.throwIfAborted()
      throw new NoDirectPathError(noPathReason(provider, self, tried))
    } finally {
      losers.abort(new Error('another path won'))
    }
  }

  /** A relayed connection to the provider (one we have, or a new one through its relay address). */
  async relayed (peerId: PeerId, provider: ProviderInfo, signal: AbortSignal): Promise<Connection> {
    const open = this.components.connectionManager.getConnections(peerId).find(c => c.status === 'open' && c.limits != null)
    if (open != null) return open
    const { relay } = sort(provider.multiaddrs, peerId)
    if (relay.length === 0) throw new NoDirectPathError('the provider lists no relay address')
    return await this.components.connectionManager.openConnection(relay, { signal })
  }

  /**
   * Dials one address. A transport may tie its socket to the signal it dials with for as long as
   * the connection lives (Node's net.connect does), so it gets one of its own, linked to `signal`
   * only until the dial ends: a path that lost, or the dial timeout, never closes a connection made.
   */
  private async dial (addr: Multiaddr, signal: AbortSignal): Promise<Connection> {
    const own = new AbortController()
    const stop = (): void => { own.abort(signal.reason) }
    signal.throwIfAborted()
    signal.addEventListener('abort', stop, { once: true })
    try {
      const connection = await this.components.transportManager.dial(addr, { signal: own.signal })
      if (connection.limits != null) throw new Error('only a relayed connection')
      return connection
    } finally {
      signal.removeEventListener('abort', stop)
    }
  }

  /** Each address in turn, until one connects. */
  private async firstOf (addrs: Multiaddr[], signal: AbortSignal): Promise<Connection> {
    let last: unknown
    for (const addr of addrs) {
      try { return await this.dial(addr, signal) } catch (err) { last = err; signal.throwIfAborted() }
    }
    throw last
  }

  /** Dials the relay address and waits for the provider's DCUtR to dial us back directly. */
  private async reversal (peerId: PeerId, relay: Multiaddr[], signal: AbortSignal): Promise<Connection> {
    const arrived = new Promise<Connection>((resolve, reject) => {
      const onOpen = (evt: CustomEvent<Connection>): void => {
        if (evt.detail.remotePeer.equals(peerId) && evt.detail.limits == null) { settle(); resolve(evt.detail) }
      }
      const timer = setTimeout(() => { settle(); reject(new Error(`not dialled back within ${HOLE_PUNCH_WAIT_MS / 1000} s`)) }, HOLE_PUNCH_WAIT_MS)
      const onAbort = (): void => { settle(); reject(signal.reason) }
      const settle = (): void => {
        clearTimeout(timer)
        this.components.events.removeEventListener('connection:open', onOpen)
        signal.removeEventListener('abort', onAbort)
      }
      this.components.events.addEventListener('connection:open', onOpen)
      signal.addEventListener('abort', onAbort, { once: true })
    })
    arrived.catch(() => {})
    const first = await this.components.connectionManager.openConnection(relay, { signal })
    return first.limits == null ? first : await arrived
  }
}
