// This peer's reachability: finding out whether others can reach it, and fixing it when they
// cannot. AutoNAT v2 asks other nodes (an index) to dial us back; UPnP asks the home router for a
// port forward; DCUtR turns relayed connections into direct ones; the index's STUN responder tells
// us whether our router keeps one mapping for every destination (then WebRTC can punch through
// it); and when we are not publicly reachable we hold a relay reservation on each index we are
// registered with, so peers can signal us there (our relay and WebRTC addresses reach the index
// through identify-push as they change). AutoNAT, UPnP and DCUtR are libp2p's own services, run
// as parts of the peer service; the relay and WebRTC transports are the node's (node/create-node.ts).
import { autoNATv2 } from '@libp2p/autonat-v2'
import { dcutr } from '@libp2p/dcutr'
import { start, stop, type ComponentLogger, type Connection, type Libp2pEvents, type Logger, type NodeInfo, type PeerId, type PeerStore, type Startable } from '@libp2p/interface'
import { uPnPNAT } from '@libp2p/upnp-nat'
import { isLoopback, isPrivate } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { normaliseError } from '../../wire/errors.js'
import type { ProviderReachability } from '../../wire/records.js'
import { AUTONAT_WAIT_MS, RESERVATION_TIMEOUT_MS, STUN_CHECK_INTERVAL_MS, STUN_TIMEOUT_MS } from '../constants.js'
import { ConnectionKinds, type ConnectionKind } from './connection-kinds.js'
import { checkMapping, type MappingCheck } from './nat-mapping.js'
import type { AddressManager, ConnectionManager, RandomWalk, Registrar, TransportManager } from '@libp2p/interface-internal'
import type { TypedEventTarget } from 'main-event'

/**
 * - `local`: listening on loopback only (or nowhere): nothing to be reached from;
 * - `public`: an address of ours others reached (confirmed by AutoNAT), or one we were told to announce;
 * - `upnp`: reachable through a port the home router forwards to us (UPnP);
 * - `hole-punching`: behind a NAT that keeps one mapping per socket: peers reach us through the
 *   relay's signalling (WebRTC, DCUtR);
 * - `relay-only`: behind a symmetric NAT: only the relay and public peers (by reversal) reach us;
 * - `unknown`: not known (yet).
 */
export type Reachability = 'local' | ProviderReachability

export interface ReachabilityStatus {
  reachability: Reachability
  /** What the index's STUN responder saw of our router. */
  nat: MappingCheck['mapping']
  /** Addresses of ours others can dial directly (public, confirmed). */
  publicAddresses: string[]
  /** Indexes we hold a relay reservation on. */
  relays: string[]
  /** Why the last reservation attempt failed, when it did. */
  relayError?: string
}

export interface ReachabilityComponents {
  peerId: PeerId
  nodeInfo: NodeInfo
  registrar: Registrar
  peerStore: PeerStore
  addressManager: AddressManager
  transportManager: TransportManager
  connectionManager: ConnectionManager
  randomWalk: RandomWalk
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface ReachabilityInit {
  /** Ask the home router for a port forward (UPnP IGD). */
  upnp: boolean
  log: Logger
}

/** An index we registered with: where we reserve, and whose STUN responder we ask. */
export interface RegisteredIndex { address: Multiaddr, peerId: PeerId }

const isCircuit = (ma: Multiaddr): boolean => ma.getComponents().some(c => c.name === 'p2p-circuit')

export interface ReachabilityEvents {
  /** What reachability() says changed (the index links tell their indexes). */
  change: CustomEvent<Reachability>
}

export class ReachabilityPart extends TypedEventEmitter<ReachabilityEvents> implements Startable {
  private readonly services: unknown[]
  readonly connections: ConnectionKinds
  private mappingCheck: MappingCheck = { mapping: 'unknown' }
  private mappingCheckedAt = 0
  private relayError?: string
  private readonly startedAt = Date.now()
  /** Reservations under way, by index peer ID: one at a time each. */
  private readonly reserving = new Set<string>()
  private last: Reachability = 'unknown'

  constructor (private readonly components: ReachabilityComponents, private readonly init: ReachabilityInit) {
    super()
    this.noticeChange = this.noticeChange.bind(this)
    this.services = [
      autoNATv2()(components),
      dcutr()(components),
      // the router's own word that it forwards the port: AutoNAT could only confirm the mapped
      // address on our next connection to an AutoNAT server, and the double-NAT check refuses a
      // router whose external address is private
      ...(init.upnp ? [uPnPNAT({ autoConfirmAddress: true })(components)] : [])
    ]
    this.connections = new ConnectionKinds(components)
  }

  async start (): Promise<void> {
    this.connections.start()
    // a confirmed, mapped or lost address changes what others can do
    this.components.events.addEventListener('self:peer:update', this.noticeChange)
    this.components.events.addEventListener('transport:listening', this.noticeChange)
    await start(...this.services)
  }

  async stop (): Promise<void> {
    this.components.events.removeEventListener('self:peer:update', this.noticeChange)
    this.components.events.removeEventListener('transport:listening', this.noticeChange)
    this.connections.stop()
    await stop(...this.services)
  }

  /** Works reachability out again; a change is announced (the `change` event). */
  private noticeChange (): void {
    const now = this.assess()
    if (now === this.last) return
    this.last = now
    this.init.log('reachability: %s', now)
    this.safeDispatchEvent('change', { detail: now })
  }

  connectionKind (connection: Connection): ConnectionKind {
    return this.connections.kind(connection)
  }

  /** Reads only what the part keeps and the node's address metadata (never its filtered addresses: announcedAddresses asks it). */
  status (): ReachabilityStatus {
    return {
      reachability: this.last,
      nat: this.mappingCheck.mapping,
      publicAddresses: this.publicAddresses().map(a => a.multiaddr.toString()),
      relays: this.relays(),
      relayError: this.relayError
    }
  }

  /**
   * How others can reach us, as last worked out (when our addresses or the NAT check changed). It
   * reads nothing of the node, so the node's address filter may ask it (announcedAddresses).
   */
  reachability (): Reachability {
    return this.last
  }

  private assess (): Reachability {
    if (this.local()) return 'local'
    const reachable = this.publicAddresses()
    if (reachable.some(a => a.type === 'ip-mapping')) return 'upnp'
    if (reachable.length > 0) return 'public'
    switch (this.mappingCheck.mapping) {
      case 'endpoint-independent': return 'hole-punching'
      case 'symmetric': return 'relay-only'
      default: return 'unknown'
    }
  }

  /**
   * We are registered with an index (again): check our NAT through its STUN responder when due,
   * and, unless others reach us directly, hold a relay reservation there.
   */
  async registered (index: RegisteredIndex): Promise<void> {
    this.noticeChange()
    if (this.last === 'local') return
    if (Date.now() - this.mappingCheckedAt > STUN_CHECK_INTERVAL_MS || this.mappingCheck.mapping === 'unknown') await this.checkNat(index)
    await this.reserve(index)
  }

  /** Listening only on loopback (or not at all): no one outside this machine could reach us anyway. */
  private local (): boolean {
    return this.components.transportManager.getAddrs().every(a => isLoopback(a) || a.getComponents()[0]?.name === 'webrtc')
  }

  /** Our confirmed public addresses (relay addresses aside). */
  private publicAddresses (): ReturnType<AddressManager['getAddressesWithMetadata']> {
    return this.components.addressManager.getAddressesWithMetadata()
      .filter(a => a.verified && !isCircuit(a.multiaddr) && !isPrivate(a.multiaddr) && !isLoopback(a.multiaddr) &&
        a.multiaddr.getComponents().some(c => c.name === 'tcp'))
  }

  /** Indexes (relays, by peer ID) we hold a reservation on: those our circuit addresses go through. */
  private relays (): string[] {
    const relays = new Set<string>()
    for (const { multiaddr: addr, verified } of this.components.addressManager.getAddressesWithMetadata()) {
      if (!verified) continue
      const parts = addr.getComponents()
      const circuit = parts.findIndex(c => c.name === 'p2p-circuit')
      const relay = parts.slice(0, Math.max(0, circuit)).findLast(c => c.name === 'p2p')?.value
      if (relay != null) relays.add(relay)
    }
    return [...relays]
  }

  private async checkNat (index: RegisteredIndex): Promise<void> {
    const [host, port] = index.address.getComponents()
    if (host?.value == null || port?.name !== 'tcp') return
    this.mappingCheckedAt = Date.now()
    const check = await checkMapping(host.value, Number(port.value), STUN_TIMEOUT_MS).catch(() => undefined)
    if (check != null && (check.mapping !== 'unknown' || this.mappingCheck.mapping === 'unknown')) this.mappingCheck = check
    this.init.log('NAT check through %a: %s', index.address, this.mappingCheck.mapping)
    this.noticeChange()
  }

  private async reserve (index: RegisteredIndex): Promise<void> {
    const key = index.peerId.toString()
    if (this.publicAddresses().length > 0 || this.reserving.has(key) || this.relays().includes(key)) return
    // a public address of ours not yet confirmed: AutoNAT usually answers within a second of
    // connecting to the index; a relay slot would then be wasted
    const pending = this.components.addressManager.getAddressesWithMetadata().some(a => !a.verified && a.type === 'transport' && !isPrivate(a.multiaddr))
    if (pending && Date.now() - this.startedAt < AUTONAT_WAIT_MS) return
    this.reserving.add(key)
    try {
      const relay = index.address.getComponents().some(c => c.name === 'p2p') ? index.address : index.address.encapsulate(`/p2p/${key}`)
      const circuit = relay.encapsulate('/p2p-circuit')
      await withTimeout(this.components.transportManager.listen([circuit]), RESERVATION_TIMEOUT_MS)
      this.relayError = undefined
      this.init.log('relay reservation on %a', index.address)
    } catch (err) {
      this.relayError = normaliseError(err).message.split('\n').find(line => /reservation|refused|denied/i.test(line))?.trim() ?? normaliseError(err).message
      this.init.log('no relay reservation on %a: %s', index.address, this.relayError)
    } finally {
      this.reserving.delete(key)
    }
  }
}

async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`no answer within ${ms / 1000} s`)) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The addresses a peer offers others, given its reachability: reached directly (public, UPnP), no
 * relay addresses (a dialer might pick one first, and the relay would carry what needs none);
 * behind a symmetric NAT, no WebRTC addresses (ICE cannot cross that NAT, and each attempt, a
 * libp2p DCUtR upgrade's among them, would cost the relay its signalling for nothing).
 */
export function announcedAddresses (addrs: Multiaddr[], reachability: Reachability): Multiaddr[] {
  const has = (addr: Multiaddr, name: string): boolean => addr.getComponents().some(c => c.name === name)
  if (reachability === 'public' || reachability === 'upnp') return addrs.filter(a => !has(a, 'p2p-circuit'))
  if (reachability === 'relay-only') return addrs.filter(a => !has(a, 'webrtc'))
  return addrs
}
