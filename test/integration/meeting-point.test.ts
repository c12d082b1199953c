// The index as a meeting point, over loopback: its relay reserves slots only for peers with a live
// registration and cuts a relayed connection at its data limit (counting what it carried), its
// STUN responder answers binding requests on the index's own port, and it serves AutoNAT v2.
// (Across real NATs, with the CLI: test/nat/.)
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { Registry } from 'prom-client'
import { bookIdOf } from '../../src/content/book-id.js'
import { IndexMetrics } from '../../src/http/metrics/index-metrics.js'
import { hashFile } from '../../src/content/hash-file.js'
import { REGISTER, Reachability, RegisterRequest } from '../../src/wire/messages.js'
import { REGISTER_PROTOCOL } from '../../src/wire/protocols.js'
import { bookToWire } from '../../src/wire/records.js'
import { RequestChannel } from '../../src/wire/request-channel.js'
import { nextEvent } from '../../src/wire/next-event.js'
import { bindingRequest, parseBindingResponse } from '../../src/wire/stun.js'
import { bookBytes, folderAndNodesPerTest, indexAddr, startIndex, writeBook } from '../helpers.js'
import type { IndexNode } from '../../src/node/create-node.js'

const SINK = '/arkshare-test/sink/1.0.0'

/** A bare libp2p node that can listen on and dial relay addresses (no arkshare service). */
async function relayClient (): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen: [] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
}

/** Registers one book with the index over the register protocol, as the peer service would. */
async function register (node: Libp2p, index: IndexNode, dir: string): Promise<void> {
  const path = await writeBook(dir, `Reg - ${node.peerId.toString().slice(-6)}.txt`, bookBytes(5, 1000))
  const manifest = await hashFile(path)
  const book = { id: bookIdOf(manifest).toString(), title: 'Reg', author: '', format: 'txt', size: manifest.size, fileName: 'reg.txt', language: '' }
  const connection = await node.dial(multiaddr(indexAddr(index)))
  const channel = new RequestChannel(await connection.newStream(REGISTER_PROTOCOL), REGISTER)
  const reply = await channel.request({ type: RegisterRequest.Type.PUT, replace: true, books: [bookToWire(book)], remove: [], ttl: 0, reachability: Reachability.UNKNOWN }, AbortSignal.timeout(5_000))
  assert.equal(reply.books, 1)
}

/** The index's metrics as a scrape reads them: name (and labels) to value. */
async function scrape (index: IndexNode): Promise<Map<string, number>> {
  const registry = new Registry()
  // eslint-disable-next-line no-new
  new IndexMetrics(registry, index)
  const values = new Map<string, number>()
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const v of metric.values) values.set(metric.name + Object.values(v.labels).map(l => `:${String(l)}`).join(''), v.value)
  }
  return values
}

/** Reserves a slot on the index's relay (what listening on `<index>/p2p-circuit` does). */
async function reserve (node: Libp2p, index: IndexNode): Promise<void> {
  await (node as any).components.transportManager.listen([multiaddr(`${indexAddr(index)}/p2p-circuit`)])
}

describe('index meeting point', function () {
  this.timeout(30_000)
  const scope = folderAndNodesPerTest()

  it('reserves relay slots only for peers with a live registration', async () => {
    const index = await startIndex()
    const peer = await relayClient()
    scope.stops.push(peer, index)
    await assert.rejects(reserve(peer, index), /reservation failed/)
    assert.equal(index.services.index.meetingPoint().relay?.reservationsRefused, 1)
    assert.equal(index.services.index.meetingPoint().relay?.reservations, 0)

    await register(peer, index, join(scope.dir, 'books'))
    await reserve(peer, index)
    assert.equal(index.services.index.meetingPoint().relay?.reservations, 1)
    assert.ok(peer.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit')), 'the peer listens on a relay address')
    const metrics = await scrape(index)
    assert.equal(metrics.get('arkshare_index_relay_reservations'), 1)
    assert.equal(metrics.get('arkshare_index_relay_reservations_refused_total'), 1)
  })

  it('cuts a relayed connection at its data limit, and counts what it carried', async () => {
    const limit = 96 * 1024
    const index = await startIndex({ relayLimits: { circuitDataBytes: limit } })
    const target = await relayClient()
    const dialer = await relayClient()
    scope.stops.push(dialer, target, index)
    await register(target, index, join(scope.dir, 'books'))
    await reserve(target, index)
    let received = 0
    let cut: () => void = () => {}
    const targetClosed = new Promise<void>(resolve => { cut = resolve })
    await target.handle(SINK, (stream) => {
      stream.addEventListener('message', (evt) => { received += evt.data.byteLength })
      stream.addEventListener('close', () => { cut() })
    }, { runOnLimitedConnection: true })

    const circuit = multiaddr(`${indexAddr(index)}/p2p-circuit/p2p/${target.peerId.toString()}`)
    const stream = await dialer.dialProtocol(circuit, SINK, { runOnLimitedConnection: true })
    const reset = new Promise(resolve => stream.addEventListener('close', resolve, { once: true }))
    // 1 MiB, ten times the limit, as fast as the stream takes it
    for (let sent = 0; sent < 1024 * 1024 && stream.status === 'open'; sent += 16 * 1024) {
      if (!stream.send(randomBytes(16 * 1024))) await nextEvent(stream, ['drain', 'close'])
    }
    await reset
    await targetClosed
    const relay = index.services.index.meetingPoint().relay
    assert.ok(relay != null)
    assert.ok(received > 0 && received < limit, `the target got ${received} bytes, under the ${limit}-byte limit`)
    // the relay counts a message before it checks it: at most one yamux frame (64 KiB) past the limit
    assert.ok(relay.largestCircuitBytes <= limit + 64 * 1024, `the relay carried ${relay.largestCircuitBytes} bytes on one circuit`)
    assert.ok(relay.bytes >= received, 'every byte the target got was counted')
    const metrics = await scrape(index)
    assert.equal(metrics.get('arkshare_index_relay_bytes_total'), relay.bytes)
    assert.equal(metrics.get('arkshare_index_relay_largest_circuit_bytes'), relay.largestCircuitBytes)
  })

  it('answers STUN binding requests on UDP at its TCP port and the next one, and nothing else', async () => {
    const index = await startIndex()
    scope.stops.push(index)
    const port = Number(multiaddr(indexAddr(index)).getComponents()[1].value)
    const socket = createSocket('udp4')
    await new Promise<void>(resolve => socket.bind(0, '127.0.0.1', resolve))
    const ask = async (packet: Uint8Array, to: number): Promise<Buffer | undefined> => await new Promise(resolve => {
      const timer = setTimeout(() => { socket.off('message', onMessage); resolve(undefined) }, 500)
      const onMessage = (data: Buffer): void => { clearTimeout(timer); resolve(data) }
      socket.once('message', onMessage)
      socket.send(packet, to, '127.0.0.1')
    })
    try {
      for (const to of [port, port + 1]) {
        const id = new Uint8Array(randomBytes(12))
        const reply = await ask(bindingRequest(id), to)
        assert.ok(reply != null, `an answer on udp/${to}`)
        assert.deepEqual(parseBindingResponse(reply, id), { address: '127.0.0.1', port: socket.address().port })
      }
      assert.equal(await ask(randomBytes(20), port), undefined, 'no answer to what is not a binding request')
      const stun = index.services.index.meetingPoint().stun
      assert.equal(stun?.answered, 2)
      assert.equal(stun?.ignored, 1)
      const metrics = await scrape(index)
      assert.equal(metrics.get('arkshare_index_stun_requests_total:answered'), 2)
      assert.equal(metrics.get('arkshare_index_stun_requests_total:ignored'), 1)
    } finally {
      socket.close()
    }
  })

  it('serves AutoNAT v2 dial requests, and announces what it is told to', async () => {
    const index = await startIndex({ announce: ['/ip4/11.0.0.9/tcp/5001'] })
    scope.stops.push(index)
    assert.ok(index.getProtocols().includes('/libp2p/autonat/2/dial-request'))
    assert.deepEqual(index.getMultiaddrs().map(a => a.decapsulateCode(421).toString()), ['/ip4/11.0.0.9/tcp/5001'])
  })
})
