// Small network probes the NAT lab runs inside its namespaces (`node --import tsx probe.ts <what>`):
// - `dns-trap <ip>`: a resolver that answers nothing and prints each name it was asked for;
// - `udp-echo <port>...`: replies to every datagram with the address and port it came from;
// - `udp-map <ip> <port>...`: from one socket, asks each port of a udp-echo and prints what it saw;
// - `tcp-listen <port>` / `tcp-connect <ip> <port>`: is a TCP connection let through?
// - `ssdp`: looks for UPnP gateways as a UPnP client does, prints each one's description URL;
// - `relay-reserve <multiaddr>`: a bare libp2p node (no arkshare, no registration) asks an index's
//   relay for a reservation, prints "reserved" or "refused <why>".
// Each prints "ready" once listening (or sending), then one line per observation.
import '../../src/runtime/promise-with-resolvers.js'
import { createSocket } from 'node:dgram'
import { connect, createServer } from 'node:net'

/** The name in a DNS query (RFC 1035 4.1.2: labels from byte 12). */
function queryName (packet: Buffer): string {
  const labels: string[] = []
  let at = 12
  while (at < packet.length && packet[at] !== 0) {
    labels.push(packet.subarray(at + 1, at + 1 + packet[at]).toString('latin1'))
    at += 1 + packet[at]
  }
  return labels.join('.')
}

function dnsTrap (ip: string): void {
  const socket = createSocket('udp4')
  socket.on('message', (packet) => { console.log(`query ${queryName(packet)}`) })
  socket.bind(53, ip, () => { console.log('ready') })
}

function udpEcho (ports: number[]): void {
  let bound = 0
  for (const port of ports) {
    const socket = createSocket('udp4')
    socket.on('message', (_data, from) => { socket.send(`${from.address}:${from.port}`, from.port, from.address) })
    socket.bind(port, () => { if (++bound === ports.length) console.log('ready') })
  }
}

function udpMap (ip: string, ports: number[]): void {
  const socket = createSocket('udp4')
  const seen = new Map<number, string>()
  socket.on('message', (data, from) => {
    seen.set(from.port, data.toString())
    if (seen.size === ports.length) {
      console.log(JSON.stringify({ local: socket.address().port, seen: ports.map(p => seen.get(p)) }))
      socket.close()
    }
  })
  socket.bind(0, () => {
    console.log('ready')
    for (const port of ports) socket.send('?', port, ip)
  })
  setTimeout(() => { console.log(JSON.stringify({ error: 'no reply', seen: [...seen] })); process.exit(1) }, 3_000).unref()
}

function tcpListen (port: number): void {
  createServer(socket => { console.log(`accepted ${socket.remoteAddress ?? ''}`); socket.end() }).listen(port, () => { console.log('ready') })
}

function tcpConnect (ip: string, port: number): void {
  const socket = connect({ host: ip, port, timeout: 1_500 })
  console.log('ready')
  socket.on('connect', () => { console.log('connected'); socket.destroy() })
  socket.on('timeout', () => { console.log('failed timeout'); socket.destroy() })
  socket.on('error', (err: NodeJS.ErrnoException) => { console.log(`failed ${err.code ?? err.message}`) })
}

function ssdp (): void {
  const socket = createSocket('udp4')
  const search = ['M-SEARCH * HTTP/1.1', 'HOST: 239.255.255.250:1900', 'MAN: "ssdp:discover"', 'MX: 1',
    'ST: urn:schemas-upnp-org:device:InternetGatewayDevice:2', '', ''].join('\r\n')
  socket.on('message', (data) => {
    const location = /^location:\s*(\S+)/im.exec(data.toString())
    if (location != null) console.log(`gateway ${location[1]}`)
  })
  socket.bind(0, () => {
    console.log('ready')
    socket.send(search, 1900, '239.255.255.250')
  })
  setTimeout(() => { socket.close() }, 2_000)
}

async function relayReserve (relay: string): Promise<void> {
  // loaded here: the other probes start faster without libp2p
  const [{ noise }, { yamux }, { circuitRelayTransport }, { identify }, { tcp }, { multiaddr }, { createLibp2p }] = await Promise.all([
    import('@chainsafe/libp2p-noise'), import('@chainsafe/libp2p-yamux'), import('@libp2p/circuit-relay-v2'), import('@libp2p/identify'),
    import('@libp2p/tcp'), import('@multiformats/multiaddr'), import('libp2p')
  ])
  const node = await createLibp2p({
    addresses: { listen: [] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
  console.log('ready')
  try {
    await (node as any).components.transportManager.listen([multiaddr(`${relay}/p2p-circuit`)])
    console.log('reserved')
  } catch (err) {
    console.log(`refused ${(err as Error).message.replace(/\s+/g, ' ')}`)
  }
  await node.stop()
}

const [what, ...args] = process.argv.slice(2)
switch (what) {
  case 'dns-trap': dnsTrap(args[0]); break
  case 'udp-echo': udpEcho(args.map(Number)); break
  case 'udp-map': udpMap(args[0], args.slice(1).map(Number)); break
  case 'tcp-listen': tcpListen(Number(args[0])); break
  case 'tcp-connect': tcpConnect(args[0], Number(args[1])); break
  case 'ssdp': ssdp(); break
  case 'relay-reserve': await relayReserve(args[0]); break
  default: throw new Error(`unknown probe ${what}`)
}
