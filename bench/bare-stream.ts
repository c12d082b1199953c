// Baseline for the transfer benchmark: the same libp2p stack (TCP + Noise + Yamux, same yamux
// settings) moving the same file over one bare stream, written to disk, with no protocol on top.
//   node dist/bench/bare-stream.js serve <file>        → prints {"event":"listening","multiaddrs":[...]}
//   node dist/bench/bare-stream.js fetch <addr> <out>  → prints {"event":"done","bytes","ms"}
import '../src/runtime/promise-with-resolvers.js'
import { open } from 'node:fs/promises'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { sendBounded } from '../src/wire/framing.js'
import { YAMUX_OPTIONS } from '../src/node/create-node.js'

const PROTOCOL = '/arkshare-bench/raw/1.0.0'
const CHUNK = 256 * 1024

async function node (listen: string[]): Promise<Awaited<ReturnType<typeof createLibp2p>>> {
  return await createLibp2p({
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux(YAMUX_OPTIONS)]
  })
}

async function serve (path: string): Promise<void> {
  const server = await node(['/ip4/127.0.0.1/tcp/0'])
  await server.handle(PROTOCOL, async (stream) => {
    const file = await open(path, 'r')
    try {
      const { size } = await file.stat()
      for (let offset = 0; offset < size; offset += CHUNK) {
        const buffer = new Uint8Array(Math.min(CHUNK, size - offset))
        await file.read(buffer, 0, buffer.byteLength, offset)
        await sendBounded(stream, buffer)
      }
      await stream.close()
    } finally {
      await file.close()
    }
  }, { runOnLimitedConnection: false })
  process.stdout.write(`${JSON.stringify({ event: 'listening', multiaddrs: server.getMultiaddrs().map(String) })}\n`)
  process.on('SIGTERM', () => { void Promise.resolve(server.stop()).then(() => process.exit(0)) })
}

async function fetch (addr: string, out: string): Promise<void> {
  const client = await node([])
  const started = performance.now()
  const stream = await client.dialProtocol(multiaddr(addr), PROTOCOL)
  const file = await open(out, 'w')
  let offset = 0
  let pending = 0
  let writes = Promise.resolve()
  await new Promise<void>((resolve, reject) => {
    stream.addEventListener('message', (evt) => {
      const data = evt.data.subarray()
      const at = offset
      offset += data.byteLength
      pending += data.byteLength
      // bounded memory: stop reading while 8 MiB wait for the disk
      if (pending > 8 * 1024 * 1024) stream.pause()
      writes = writes.then(async () => {
        await file.write(data, 0, data.byteLength, at)
        pending -= data.byteLength
        // the stream may have ended meanwhile: only a paused one resumes
        if (pending < 2 * 1024 * 1024 && stream.readStatus === 'paused') stream.resume()
      })
    })
    stream.addEventListener('remoteCloseWrite', () => { resolve() })
    stream.addEventListener('close', (evt) => { if (evt.error != null) reject(evt.error); else resolve() })
  })
  await writes
  await file.sync()
  await file.close()
  const ms = performance.now() - started
  process.stdout.write(`${JSON.stringify({ event: 'done', bytes: offset, ms })}\n`)
  await client.stop()
}

const [mode, a, b] = process.argv.slice(2)
if (mode === 'serve') await serve(a)
else if (mode === 'fetch') await fetch(a, b)
else {
  process.stderr.write('usage: bare-stream serve <file> | fetch <multiaddr> <out>\n')
  process.exit(2)
}
