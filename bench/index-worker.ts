// Load generator for the index benchmark (a child process of bench/index.ts).
//   register <indexAddr> <firstPeer> <peers> <booksPerPeer> <concurrency>
//     each simulated peer is its own libp2p node (own peer ID), registers its books, then leaves
//   search <indexAddr> <clients> <firstQuery> <queries> <totalBooks> [seed]
//     `clients` peers each keep one search stream open and send their share of the queries (of the
//     query list drawn with `seed`, default 1)
import '../src/runtime/promise-with-resolvers.js'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { REGISTER, SEARCH, Reachability, RegisterRequest, RegisterResponse, SearchRequest, SearchResponse } from '../src/wire/messages.js'
import { REGISTER_PROTOCOL, SEARCH_PROTOCOL } from '../src/wire/protocols.js'
import { bookToWire } from '../src/wire/records.js'
import { RequestChannel } from '../src/wire/request-channel.js'
import { arkshareYamux } from '../src/node/yamux-muxer.js'
import { arkshareNoise } from '../src/node/noise-encrypter.js'
import { syntheticBook, syntheticQueries } from './synthetic-catalog.js'

async function client (listen: boolean): Promise<Awaited<ReturnType<typeof createLibp2p>>> {
  return await createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: [tcp()],
    connectionEncrypters: [arkshareNoise()],
    streamMuxers: [arkshareYamux()],
    services: { identify: identify() }
  })
}

async function register (indexAddr: string, first: number, peers: number, perPeer: number, concurrency: number): Promise<void> {
  const started = performance.now()
  let next = first
  let failures = 0
  const worker = async (): Promise<void> => {
    while (next < first + peers) {
      const p = next++
      const node = await client(true)
      try {
        const stream = await node.dialProtocol(multiaddr(indexAddr), REGISTER_PROTOCOL)
        const channel = new RequestChannel<RegisterRequest, RegisterResponse>(stream, REGISTER)
        const books = Array.from({ length: perPeer }, (_, i) => bookToWire(syntheticBook(p * perPeer + i)))
        await channel.request({ type: RegisterRequest.Type.PUT, replace: true, books, remove: [], ttl: 0, reachability: Reachability.UNKNOWN }, AbortSignal.timeout(60_000))
        await channel.close()
      } catch (err) {
        failures++
        if (failures < 5) process.stderr.write(`register ${p}: ${(err as Error).message}\n`)
      } finally {
        await node.stop()
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  process.stdout.write(`${JSON.stringify({ peers, books: peers * perPeer, failures, ms: performance.now() - started })}\n`)
}

async function search (indexAddr: string, clients: number, firstQuery: number, count: number, totalBooks: number, seed: number): Promise<void> {
  const queries = syntheticQueries(firstQuery + count, totalBooks, seed).slice(firstQuery)
  const nodes = await Promise.all(Array.from({ length: clients }, async () => await client(false)))
  const channels = await Promise.all(nodes.map(async n => new RequestChannel<SearchRequest, SearchResponse>(
    await n.dialProtocol(multiaddr(indexAddr), SEARCH_PROTOCOL),
    SEARCH)))
  const latencies: number[] = []
  let results = 0
  let estimated = 0
  let errors = 0
  let next = 0
  // signal readiness, then wait for the go line so all workers start together
  process.stdout.write('{"ready":true}\n')
  await new Promise(resolve => process.stdin.once('data', resolve))
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  await Promise.all(channels.map(async (channel) => {
    while (next < queries.length) {
      const q = queries[next++]
      const t = performance.now()
      try {
        const reply = await channel.request({ query: q, limit: 20, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false, derivedFileNames: true }, AbortSignal.timeout(30_000))
        results += reply.results.length
        if (reply.totalIsEstimate) estimated++
      } catch {
        errors++
      }
      latencies.push(performance.now() - t)
    }
  }))
  const ms = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  const cpuMs = (cpu.user + cpu.system) / 1000
  process.stdout.write(`${JSON.stringify({ queries: latencies.length, errors, results, estimated, ms, cpuMs, latencies })}\n`)
  await Promise.all(nodes.map(async n => { await n.stop() }))
}

const [mode, addr, a, b, c, d, e = '1'] = process.argv.slice(2)
if (mode === 'register') await register(addr, Number(a), Number(b), Number(c), Number(d))
else if (mode === 'search') await search(addr, Number(a), Number(b), Number(c), Number(d), Number(e))
else { process.stderr.write('usage: see bench/index-worker.ts\n'); process.exit(2) }
process.exit(0)
