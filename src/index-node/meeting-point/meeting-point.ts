// Where peers behind NATs meet: the index's circuit relay (for signalling and small control
// traffic, only for peers with a live registration, within tight limits), its STUN responder (so
// WebRTC finds public mappings without a third party) and an AutoNAT v2 server (peers learn whether
// they are reachable). The relay and AutoNAT are libp2p's own services, run as parts of the index
// service with the node's components, started and stopped with it.
import { autoNATv2 } from '@libp2p/autonat-v2'
import { circuitRelayServer, RELAY_V2_HOP_CODEC, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { start, stop, type ComponentLogger, type ConnectionGater, type Libp2pEvents, type Listener, type Logger, type PeerId, type PeerStore, type PrivateKey, type Startable } from '@libp2p/interface'
import { RelayMeter, type RelayTraffic } from './relay-meter.js'
import { StunResponder, type StunCounts, type StunEndpoint } from './stun-responder.js'
import type { AddressManager, ConnectionManager, RandomWalk, Registrar } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { TypedEventTarget } from 'main-event'

export interface MeetingPointComponents {
  peerId: PeerId
  privateKey: PrivateKey
  registrar: Registrar
  peerStore: PeerStore
  addressManager: AddressManager
  connectionManager: ConnectionManager
  connectionGater: ConnectionGater
  randomWalk: RandomWalk
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

/** The relay's limits (see the index's constants for what each is and why). */
export interface RelayLimits {
  maxReservations: number
  reservationTtlMs: number
  maxCircuits: number
  circuitDataBytes: number
  circuitDurationMs: number
  maxHopStreamsPerConnection: number
}

export interface MeetingPointInit {
  relay: RelayLimits | false
  stun: { requestsPerMinute: number } | false
  autonat: boolean
  /** Whether a peer has a live registration (only those may reserve a relay slot). */
  registered: (peer: PeerId) => boolean
  log: Logger
}

export interface MeetingPointStats {
  relay?: RelayTraffic & {
    /** Peers holding a reservation now. */
    reservations: number
    /** Reservations refused: no live registration, or the relay full. */
    reservationsRefused: number
    /** Relayed connections refused because the relay carried its most at once. */
    circuitsRefused: number
  }
  stun?: StunCounts & { endpoints: StunEndpoint[] }
}

/** Host and port of each TCP address the node listens on: STUN listens on the same port, over UDP. */
function tcpEndpoints (addrs: Multiaddr[]): StunEndpoint[] {
  const endpoints: StunEndpoint[] = []
  for (const addr of addrs) {
    const parts = addr.getComponents()
    const ip = parts[0]
    if ((ip?.name === 'ip4' || ip?.name === 'ip6') && parts[1]?.name === 'tcp' && ip.value != null) {
      endpoints.push({ host: ip.value, port: Number(parts[1].value) })
    }
  }
  return endpoints
}

export class MeetingPoint implements Startable {
  private readonly relay?: CircuitRelayService
  private readonly autonat?: unknown
  private readonly stun?: StunResponder
  private readonly meter = new RelayMeter()
  private reservationsRefused = 0
  private circuitsRefused = 0

  constructor (private readonly components: MeetingPointComponents, private readonly init: MeetingPointInit) {
    const { relay } = init
    if (relay !== false) {
      this.relay = circuitRelayServer({
        reservations: {
          maxReservations: relay.maxReservations,
          reservationTtl: relay.reservationTtlMs,
          applyDefaultLimit: true,
          defaultDataLimit: BigInt(relay.circuitDataBytes),
          // enforced in ms by the relay (though the hop protocol tells clients the value as seconds)
          defaultDurationLimit: relay.circuitDurationMs
        },
        maxInboundHopStreams: relay.maxHopStreamsPerConnection
      })({
        // named one by one: libp2p's components object is a proxy that spreading would not copy
        registrar: components.registrar,
        peerStore: components.peerStore,
        addressManager: components.addressManager,
        peerId: components.peerId,
        privateKey: components.privateKey,
        connectionManager: components.connectionManager,
        logger: components.logger,
        connectionGater: this.gate(components.connectionGater, relay)
      })
    }
    if (init.stun !== false) this.stun = new StunResponder({ requestsPerMinute: init.stun.requestsPerMinute, log: init.log })
    if (init.autonat) this.autonat = autoNATv2()(components)
    this.onListening = this.onListening.bind(this)
  }

  /** The node's gater, plus: reservations only for registered peers, circuits only while there is room. */
  private gate (gater: ConnectionGater, limits: RelayLimits): ConnectionGater {
    return {
      ...gater,
      denyInboundRelayReservation: async (peer) => {
        if (await gater.denyInboundRelayReservation?.(peer) === true || !this.init.registered(peer)) {
          this.reservationsRefused++
          this.init.log('relay reservation refused to %p (no live registration)', peer)
          return true
        }
        return false
      },
      denyOutboundRelayedConnection: async (source, destination) => {
        if (await gater.denyOutboundRelayedConnection?.(source, destination) === true) return true
        // the asking circuit's own hop stream is open already
        if (this.meter.traffic.open > limits.maxCircuits) {
          this.circuitsRefused++
          return true
        }
        return false
      }
    }
  }

  async start (): Promise<void> {
    // transports listen after services start: STUN follows each TCP listener as it comes up
    this.components.events.addEventListener('transport:listening', this.onListening)
    await start(this.relay, this.autonat)
    if (this.relay != null) await this.meterHopStreams()
  }

  async stop (): Promise<void> {
    this.components.events.removeEventListener('transport:listening', this.onListening)
    this.stun?.stop()
    await stop(this.relay, this.autonat)
  }

  /**
   * An index is a server: where it listens (its operator's choice) is where peers reach it, so its
   * public addresses are announced at once, not after AutoNAT has had peers dial it back.
   */
  private onListening (evt: CustomEvent<Listener>): void {
    const addrs = evt.detail.getAddrs()
    for (const addr of addrs) this.components.addressManager.confirmObservedAddr(addr, { type: 'transport' })
    this.stun?.listen(tcpEndpoints(addrs)).catch((err) => { this.init.log.error('STUN: %e', err) })
  }

  stats (): MeetingPointStats {
    return {
      relay: this.relay == null
        ? undefined
        : { ...this.meter.traffic, reservations: this.relay.reservations.size, reservationsRefused: this.reservationsRefused, circuitsRefused: this.circuitsRefused },
      stun: this.stun == null ? undefined : { ...this.stun.counts, endpoints: this.stun.endpoints }
    }
  }

  /** Puts the meter between libp2p and the relay's hop handler (same handler, same options). */
  private async meterHopStreams (): Promise<void> {
    const { registrar } = this.components
    const { handler, options } = registrar.getHandler(RELAY_V2_HOP_CODEC)
    await registrar.unhandle(RELAY_V2_HOP_CODEC)
    await registrar.handle(RELAY_V2_HOP_CODEC, async (stream, connection) => {
      this.meter.watch(stream)
      await handler(stream, connection)
    }, options)
  }
}
