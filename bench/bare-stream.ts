// Baselines for the transfer benchmark: the same libp2p stack (TCP + Noise + Yamux) moving the same
// file over one bare stream, written to disk and fsynced, with no protocol on top. Two flavours:
//   arkshare: arkshare's yamux (4 MiB window, lazy window updates) and its 1 MiB sendBounded sender; the reader
//             pauses the stream while 8 MiB wait for the disk
//   defaults: what libp2p does out of the box: default yamux(), 256 KiB send() calls (waiting for
//             'drain' when send() says so), a reader that awaits each write in a for-await loop
//   node dist/bench/bare-stream.js serve <file> <arkshare|defaults>       → {"event":"listening","multiaddrs":[...]}
//   node dist/bench/bare-stream.js fetch <addr> <out> <arkshare|defaults> → {"event":"done","bytes","ms"}
import '../src/runtime/promise-with-resolvers.js'
import { open, type FileHandle } from 'node:fs/promises'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { sendBounded } from '../src/wire/framing.js'
import { nextEvent } from '../src/wire/next-event.js'
import { arkshareYamux } from '../src/node/yamux-muxer.js'
import type { Stream } from '@libp2p/interface'

const PROTOCOL = '/arkshare-bench/raw/1.0.0'
const CHUNK = 256 * 1024
const MiB = 1024 * 1024

type Flavour = 'arkshare' | 'defaults'

async function node (listen: string[], flavour: Flavour): Promise<Awaited<ReturnType<typeof createLibp2p>>> {
  return await createLibp2p({
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [flavour === 'arkshare' ? arkshareYamux() : yamux()]
  })
}

/** The sender: 1 MiB sendBounded writes (arkshare), or plain 256 KiB send() calls (defaults). */
async function sendFile (stream: Stream, file: FileHandle, flavour: Flavour): Promise<void> {
  const { size } = await file.stat()
  const piece = flavour === 'arkshare' ? MiB : CHUNK
  for (let offset = 0; offset < size; offset += piece) {
    // a fresh buffer each time: send() keeps a reference to it
    const buffer = new Uint8Array(Math.min(piece, size - offset))
    await file.read(buffer, 0, buffer.byteLength, offset)
    if (flavour === 'arkshare') await sendBounded(stream, buffer)
    else if (!stream.send(buffer)) await nextEvent(stream, ['drain', 'close'])
  }
  await stream.close()
}

async function serve (path: string, flavour: Flavour): Promise<void> {
  const server = await node(['/ip4/127.0.0.1/tcp/0'], flavour)
  await server.handle(PROTOCOL, async (stream) => {
    const file = await open(path, 'r')
    try {
      await sendFile(stream, file, flavour)
    } finally {
      await file.close()
    }
  }, { runOnLimitedConnection: false })
  process.stdout.write(`${JSON.stringify({ event: 'listening', multiaddrs: server.getMultiaddrs().map(String) })}\n`)
  process.on('SIGTERM', () => { void Promise.resolve(server.stop()).then(() => process.exit(0)) })
}

/** arkshare's reader: message events, writes chained, the stream paused while 8 MiB wait for the disk. */
async function receivePaused (stream: Stream, file: FileHandle): Promise<number> {
  let offset = 0
  let pending = 0
  let writes = Promise.resolve()
  await new Promise<void>((resolve, reject) => {
    stream.addEventListener('message', (evt) => {
      const data = evt.data.subarray()
      const at = offset
      offset += data.byteLength
      pending += data.byteLength
      if (pending > 8 * MiB) stream.pause()
      writes = writes.then(async () => {
        await file.write(data, 0, data.byteLength, at)
        pending -= data.byteLength
        // the stream may have ended meanwhile: only a paused one resumes
        if (pending < 2 * MiB && stream.readStatus === 'paused') stream.resume()
      })
    })
    stream.addEventListener('remoteCloseWrite', () => { resolve() })
    stream.addEventListener('close', (evt) => { if (evt.error != null) reject(evt.error); else resolve() })
  })
  await writes
  return offset
}

/** The out-of-the-box reader: each piece written before the next is taken. */
async function receiveLoop (stream: Stream, file: FileHandle): Promise<number> {
  let offset = 0
  for await (const chunk of stream) {
    const data = chunk.subarray()
    await file.write(data, 0, data.byteLength, offset)
    offset += data.byteLength
  }
  return offset
}

async function fetch (addr: string, out: string, flavour: Flavour): Promise<void> {
  const client = await node([], flavour)
  // opened first: data that arrives before a reader listens piles up in the stream, which resets
  // itself past its read buffer limit (4 MiB by default, less than yamux's default window)
  const file = await open(out, 'w')
  const started = performance.now()
  const stream = await client.dialProtocol(multiaddr(addr), PROTOCOL)
  const bytes = flavour === 'arkshare' ? await receivePaused(stream, file) : await receiveLoop(stream, file)
  await file.sync()
  await file.close()
  const ms = performance.now() - started
  process.stdout.write(`${JSON.stringify({ event: 'done', bytes, ms })}\n`)
  await client.stop()
}

const [mode, a, b, c] = process.argv.slice(2)
const flavourOf = (s: string): Flavour => {
  if (s !== 'arkshare' && s !== 'defaults') throw new Error(`unknown flavour ${s}`)
  return s
}
if (mode === 'serve') await serve(a, flavourOf(b))
else if (mode === 'fetch') await fetch(a, b, flavourOf(c))
else {
  process.stderr.write('usage: bare-stream serve <file> <arkshare|defaults> | fetch <multiaddr> <out> <arkshare|defaults>\n')
  process.exit(2)
}
