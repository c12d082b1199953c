// Another peer searching the index during the shelf benchmark (a child process of bench/shelf.ts).
//   shelf-searcher <indexAddr> <books> <clients> <intervalMs>
// `clients` search streams each send one search every `intervalMs` (words of the library's titles)
// and record when each was sent and how long its answer took. Commands on stdin, one a line:
//   find <present|absent> <word> <tag>   probe until a search for <word> finds a book with it in its
//                                        title (present) or none (absent); prints {tag, at}
//   providers <count> <tag>              polls the index's counts until it lists <count> (peer, book)
//                                        listings (with one sharing peer: all its books); prints {tag, at}
//   report                               prints every recorded search: {samples: [[sentAt, ms], ...]}
// Times are epoch milliseconds (performance.timeOrigin + performance.now()), as in the benchmark.
import '../src/runtime/promise-with-resolvers.js'
import { createInterface } from 'node:readline'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { SEARCH, type SearchRequest, type SearchResponse } from '../src/wire/messages.js'
import { SEARCH_PROTOCOL } from '../src/wire/protocols.js'
import { RequestChannel } from '../src/wire/request-channel.js'
import { YAMUX_OPTIONS } from '../src/node/yamux-muxer.js'
import { mulberry32 } from '../scripts/prng.js'
import { libraryBook } from './shelf-library.js'

const [addr, booksArg, clientsArg, intervalArg] = process.argv.slice(2)
const books = Number(booksArg)
const interval = Number(intervalArg)
const now = (): number => performance.timeOrigin + performance.now()
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

const node = await createLibp2p({
  addresses: { listen: [] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux(YAMUX_OPTIONS)],
  services: { identify: identify() }
})
const openChannel = async (): Promise<RequestChannel<SearchRequest, SearchResponse>> =>
  new RequestChannel<SearchRequest, SearchResponse>(await node.dialProtocol(multiaddr(addr), SEARCH_PROTOCOL), SEARCH)
const request = (query: string, limit: number): SearchRequest =>
  ({ query, limit, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false, derivedFileNames: false })

const samples: Array<[number, number]> = []
const state = { stopped: false }
const random = mulberry32(99)

/** Paced searches for two words of a random title: what a person browsing the index would type. */
async function searchLoop (): Promise<void> {
  let channel = await openChannel()
  let next = now()
  while (!state.stopped) {
    const title = libraryBook(Math.floor(random() * books)).title.split(' ')
    const sent = now()
    try {
      await channel.request(request(`${title[0]} ${title[1]}`, 20), AbortSignal.timeout(30_000))
    } catch (err) {
      process.stderr.write(`search: ${(err as Error).message}\n`)
      channel = await openChannel()
    }
    samples.push([sent, now() - sent])
    next += interval
    await sleep(Math.max(0, next - now()))
  }
}

/** Polls until the word is found (or gone); the page size varies so no answer comes from the index's cache. */
async function find (want: 'present' | 'absent', word: string, tag: string): Promise<void> {
  const channel = await openChannel()
  let limit = 1
  while (!state.stopped) {
    const reply = await channel.request(request(word, limit), AbortSignal.timeout(30_000))
    const found = reply.results.some(r => r.book?.title.toLowerCase().split(' ').includes(word) === true)
    if (found === (want === 'present')) {
      process.stdout.write(`${JSON.stringify({ tag, at: now() })}\n`)
      break
    }
    limit = limit % 100 + 1
    await sleep(25)
  }
  await channel.close()
}

/** Polls the index's stats every 50 ms until it counts `count` listings online. */
async function providers (count: number, tag: string): Promise<void> {
  const channel = await openChannel()
  while (!state.stopped) {
    const reply = await channel.request({ ...request('', 0), stats: true }, AbortSignal.timeout(30_000))
    if (reply.stats?.providers === count) {
      process.stdout.write(`${JSON.stringify({ tag, at: now() })}\n`)
      break
    }
    await sleep(50)
  }
  await channel.close()
}

const loops = Array.from({ length: Number(clientsArg) }, async () => { await searchLoop() })
process.stdout.write('{"ready":true}\n')
for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...args] = line.trim().split(' ')
  if (command === 'find') {
    void find(args[0] as 'present' | 'absent', args[1], args[2]).catch((err) => { process.stdout.write(`${JSON.stringify({ tag: args[2], error: (err as Error).message })}\n`) })
  } else if (command === 'providers') {
    void providers(Number(args[0]), args[1]).catch((err) => { process.stdout.write(`${JSON.stringify({ tag: args[1], error: (err as Error).message })}\n`) })
  } else if (command === 'report') {
    process.stdout.write(`${JSON.stringify({ samples })}\n`)
  }
}
state.stopped = true
await Promise.all(loops)
await node.stop()
process.exit(0)
