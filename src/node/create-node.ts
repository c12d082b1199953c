// Builds the libp2p nodes arkshare runs on: TCP + Noise + Yamux, identify, identify-push and ping,
// plus the arkshare peer service (with the relay and WebRTC transports that reach peers behind NATs)
// or the index service. Embedders can instead add the services to their own node.
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webRTC } from '@libp2p/webrtc'
import { isLoopback } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { createLibp2p, type Libp2p } from 'libp2p'
import { announcedAddresses, arkshare, iceServersFor, PEER_DEFAULTS as PEER, type Arkshare, type ArkshareInit } from '../peer/index.js'
import { arkshareIndex, INDEX_DEFAULTS as INDEX, type ArkshareIndex, type ArkshareIndexInit, type RefusalReason } from '../index-node/index.js'
import { loadOrCreateKey } from './identity.js'
import { arkshareNoise } from './noise-encrypter.js'
import { arkshareYamux } from './yamux-muxer.js'
import { AccessRules } from './access-rules.js'
import { ipOf } from '../limits/stream-budget.js'
import type { ConnectionGater, PrivateKey, Transport } from '@libp2p/interface'
import type { Identify, IdentifyPush } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { Registry } from 'prom-client'

export interface ConnectionLimits {
  /** Open connections at most (libp2p prunes the least valuable above it). */
  maxConnections?: number
  /** New inbound connections per second from one host. */
  inboundConnectionThreshold?: number
  /** Inbound connections still being upgraded at once. */
  maxIncomingPendingConnections?: number
  /** Open connections from one IP address (a flood from one host cannot take every slot). */
  maxConnectionsPerIp?: number
}

/** An index is dialled by every peer it serves, often many behind one address (NAT). */
const INDEX_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: INDEX.MAX_CONNECTIONS,
  inboundConnectionThreshold: INDEX.INBOUND_CONNECTIONS_PER_SECOND,
  maxIncomingPendingConnections: INDEX.MAX_INCOMING_PENDING_CONNECTIONS,
  maxConnectionsPerIp: INDEX.MAX_CONNECTIONS_PER_IP
}
const PEER_CONNECTION_LIMITS: ConnectionLimits = { maxConnectionsPerIp: PEER.MAX_CONNECTIONS_PER_IP }

export interface BaseNodeOptions {
  connectionLimits?: ConnectionLimits
  /** A rules file of peer IDs and IP ranges to deny (or allow), re-read when it changes. */
  accessRulesFile?: string
  /** Also join arkshare's Kademlia DHT (provider records by book ID, a fallback when no index answers). */
  dht?: boolean
  /** Multiaddrs to listen on (default /ip4/0.0.0.0/tcp/0; a peer that listens also listens for WebRTC). */
  listen?: string[]
  /**
   * Multiaddrs others reach this node at, told to peers instead of the listen addresses: a node
   * behind a port forward or a load balancer announces the public side of it.
   */
  announce?: string[]
  /** Folder holding the peer key and databases; a fresh identity each run when omitted. */
  dataDir?: string
  privateKey?: PrivateKey
  /**
   * Collect libp2p's metrics (and process_*, nodejs_*) into this Prometheus registry: one per node,
   * so several nodes in one process keep their series apart.
   */
  metricsRegistry?: Registry
}

export type ArkshareNode = Libp2p<{ identify: Identify, identifyPush: IdentifyPush, ping: Ping, arkshare: Arkshare, dht?: KadDHT }>
export type IndexNode = Libp2p<{ identify: Identify, identifyPush: IdentifyPush, ping: Ping, index: ArkshareIndex, dht?: KadDHT }>

/** arkshare's own Kademlia network: a private protocol name, so it never mixes with the IPFS DHT. */
const DHT_PROTOCOL = '/arkshare/kad/1.0.0'

function dhtService (): ReturnType<typeof kadDHT> {
  // keep every address in peer records: arkshare swarms often live on a LAN or loopback
  return kadDHT({ protocol: DHT_PROTOCOL, clientMode: false, peerInfoMapper: passthroughMapper, logPrefix: 'arkshare:dht' })
}

/** The node a gater asks about open connections, and what filters the addresses it announces; set once the node exists. */
interface NodeRef {
  node?: Libp2p<any>
  announce?: (addrs: Multiaddr[]) => Multiaddr[]
}

/** Hears why an inbound connection was refused (the index counts them). */
type OnRefused = (reason: RefusalReason) => void

/** Access rules, then the per-IP cap, checked as each inbound connection arrives. */
function connectionGater (rules: AccessRules | undefined, maxConnectionsPerIp: number | undefined, ref: NodeRef, onRefused?: OnRefused): ConnectionGater {
  const fromRules = rules?.gater() ?? {}
  const refused = (reason: RefusalReason): true => { onRefused?.(reason); return true }
  return {
    ...fromRules,
    denyInboundConnection: async (maConn) => {
      if (await fromRules.denyInboundConnection?.(maConn) === true) return refused('denied')
      if (maxConnectionsPerIp == null || ref.node == null) return false
      const ip = ipOf(maConn.remoteAddr)
      if (ip == null || ref.node.getConnections().filter(c => ipOf(c.remoteAddr) === ip).length < maxConnectionsPerIp) return false
      return refused('per_ip_limit')
    },
    denyInboundEncryptedConnection: async (peer, maConn) => {
      return await fromRules.denyInboundEncryptedConnection?.(peer, maConn) === true && refused('denied')
    }
  }
}

/** What a kind of node adds to the common ones: transports, and addresses to listen on. */
interface NodeKind {
  transports: Array<(components: any) => Transport>
  listen: string[]
}

async function baseOptions (options: BaseNodeOptions, kind: NodeKind, rules: AccessRules | undefined, ref: NodeRef, onRefused?: OnRefused): Promise<Record<string, any>> {
  const privateKey = options.privateKey ?? (options.dataDir != null ? await loadOrCreateKey(options.dataDir) : undefined)
  const { maxConnectionsPerIp, ...managerLimits } = options.connectionLimits ?? {}
  return {
    connectionGater: connectionGater(rules, maxConnectionsPerIp, ref, onRefused),
    ...(privateKey != null ? { privateKey } : {}),
    connectionManager: managerLimits,
    // the package keeps one table of metric names for the whole process and clears it (and
    // prom-client's global registry) when a node is made: each node then registers afresh in its
    // own registry, as long as nodes are built one at a time (buildNode)
    ...(options.metricsRegistry != null ? { metrics: prometheusMetrics({ registry: options.metricsRegistry }) } : {}),
    addresses: { listen: kind.listen, announce: options.announce ?? [], announceFilter: (addrs: Multiaddr[]) => ref.announce?.(addrs) ?? addrs },
    transports: [tcp(), ...kind.transports],
    connectionEncrypters: [arkshareNoise()],
    streamMuxers: [arkshareYamux()]
  }
}

const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0']

/** Whether any address is more than loopback (the default listens everywhere). */
function beyondLoopback (listen: string[]): boolean {
  return listen.some(addr => !isLoopback(multiaddr(addr)))
}

/**
 * A peer also dials and listens through relays (an index's), and over WebRTC, whose ICE asks only
 * the indexes' STUN responders: a node that listens at all also listens for WebRTC (its '/webrtc'
 * addresses appear once it holds a relay reservation).
 */
function peerKind (options: ArkshareNodeOptions): NodeKind {
  const listen = options.listen ?? DEFAULT_LISTEN
  return {
    transports: [
      circuitRelayTransport({ reservationCompletionTimeout: PEER.RESERVATION_TIMEOUT_MS }),
      webRTC({ rtcConfiguration: { iceServers: iceServersFor(options.indexes ?? []) } })
    ],
    listen: listen.length > 0 ? [...listen, '/webrtc'] : []
  }
}

/** Loads the access rules, if any; once the node exists, a change to them drops refused connections. */
async function accessRules (file: string | undefined): Promise<AccessRules | undefined> {
  if (file == null) return undefined
  const rules = new AccessRules()
  await rules.load(file)
  return rules
}

function enforce<T extends Libp2p<any>> (node: T, rules: AccessRules | undefined, ref: NodeRef): T {
  ref.node = node
  if (rules == null) return node
  rules.onChange = () => {
    for (const connection of node.getConnections()) {
      if (rules.connectionDenied(connection.remotePeer, connection.remoteAddr)) void connection.close().catch(() => {})
    }
  }
  node.addEventListener('stop', () => { rules.close() })
  return node
}

/** The last node with metrics being built: the next waits for it (see baseOptions). */
let metricsNodeBuilt: Promise<unknown> = Promise.resolve()

/**
 * Builds (and starts) nodes with metrics one after another: two built at once would register
 * their series in each other's registries (measured: half of one node's libp2p series missing).
 */
async function oneAtATime<T> (build: () => Promise<T>): Promise<T> {
  const built = metricsNodeBuilt.then(build, build)
  metricsNodeBuilt = built.catch(() => {})
  return await built
}

/**
 * One node: TCP + Noise + Yamux, identify, identify-push, ping, the DHT when asked, and the given
 * service under `name`, with the access rules and connection limits applied.
 */
async function buildNode<N> (options: BaseNodeOptions, kind: NodeKind, defaults: ConnectionLimits, name: string, service: unknown, ref: NodeRef = {}, onRefused?: (node: N, reason: RefusalReason) => void): Promise<N> {
  const rules = await accessRules(options.accessRulesFile)
  const refused = onRefused != null ? (reason: RefusalReason) => { if (ref.node != null) onRefused(ref.node as N, reason) } : undefined
  const create = async (): Promise<Libp2p<any>> => await createLibp2p({
    ...await baseOptions({ ...options, connectionLimits: { ...defaults, ...options.connectionLimits } }, kind, rules, ref, refused),
    services: {
      identify: identify(),
      // a peer's new listen addresses reach the index (and other peers) without a reconnect;
      // the receiving side reports them as 'peer:identify', like identify itself (spec 5.2)
      identifyPush: identifyPush(),
      ping: ping(),
      ...(options.dht === true ? { dht: dhtService() } : {}),
      [name]: service
    }
  })
  const node = options.metricsRegistry != null ? await oneAtATime(create) : await create()
  return enforce(node, rules, ref) as N
}

export interface ArkshareNodeOptions extends BaseNodeOptions, Omit<ArkshareInit, 'dataDir'> {}

export async function createArkshareNode (options: ArkshareNodeOptions = {}): Promise<ArkshareNode> {
  const { listen, announce, dataDir, privateKey, dht, connectionLimits, accessRulesFile, metricsRegistry, upnp, ...init } = options
  // a node on loopback only has no router to ask (and must not send UPnP searches onto the network)
  const service = arkshare({ ...init, dataDir, dht, upnp: upnp !== false && beyondLoopback(listen ?? DEFAULT_LISTEN) })
  const ref: NodeRef = {}
  const node = await buildNode<ArkshareNode>(options, peerKind(options), PEER_CONNECTION_LIMITS, 'arkshare', service, ref)
  // what the peer offers depends on how it can be reached; a change reaches its peers (and indexes) at once
  ref.announce = (addrs) => announcedAddresses(addrs, node.services.arkshare.reachability().reachability)
  node.services.arkshare.addEventListener('reachability:change', () => {
    node.services.identifyPush.push().catch(() => {})
  })
  return node
}

export interface IndexNodeOptions extends BaseNodeOptions, Omit<ArkshareIndexInit, 'dataDir'> {}

export async function createIndexNode (options: IndexNodeOptions = {}): Promise<IndexNode> {
  const { listen, announce, dataDir, privateKey, dht, connectionLimits, accessRulesFile, metricsRegistry, ...init } = options
  return await buildNode<IndexNode>(options, { transports: [], listen: listen ?? DEFAULT_LISTEN }, INDEX_CONNECTION_LIMITS, 'index', arkshareIndex({ ...init, dataDir }), {},
    (node, reason) => { node.services.index.recordRefusedConnection(reason) })
}
