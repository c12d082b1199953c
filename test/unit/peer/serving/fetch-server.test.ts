// The fetch server over an in-memory stream pair, serving a real shelf over a temporary folder:
// manifests, verified chunk frames, refusals, the upload queue and its heartbeat, a file changed on disk.
import assert from 'node:assert/strict'
import { utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { bookIdOf, CHUNK_SIZE, chunkMatches, parseBookId } from '../../../../src/content/book-id.js'
import { BandwidthBudget } from '../../../../src/limits/token-bucket.js'
import { UploadSlots } from '../../../../src/limits/upload-slots.js'
import { READ_BATCH_CHUNKS } from '../../../../src/peer/constants.js'
import { chunksRequest, requestManifest, type FetchChannel } from '../../../../src/peer/download/fetch-channel.js'
import { handleFetchStream, refuseFetchStream, type FetchConnection, type FetchServerOptions } from '../../../../src/peer/serving/fetch-server.js'
import { Shelf } from '../../../../src/peer/serving/shelf.js'
import { ArkshareRemoteError } from '../../../../src/wire/errors.js'
import { FETCH, FetchRequest, Status, type FetchResponse } from '../../../../src/wire/messages.js'
import { LIMITS } from '../../../../src/wire/protocols.js'
import { RequestChannel } from '../../../../src/wire/request-channel.js'
import { bookBytes, eventually, removeDir, rewriteInPlace, tempDir, writeBook } from '../../../helpers.js'
import { streamPair } from '../../../support/stream-pairs.js'
import type { Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

const log = logger('arkshare:test')

/** Two and a half chunks: the last one is short. */
const BOOK_SIZE = Math.floor(2.5 * CHUNK_SIZE)

/** A book on a fresh shelf, dated back so the shelf takes it as settled. */
async function shelfWithBook (dir: string, seed: number): Promise<{ shelf: Shelf, path: string, bytes: Buffer, id: CID }> {
  const bytes = bookBytes(seed, BOOK_SIZE)
  const path = await writeBook(dir, 'Jane Austen - Emma.txt', bytes)
  await utimes(path, new Date(), new Date(Date.now() - 5_000))
  const shelf = new Shelf({ dirs: [dir], watch: false })
  await shelf.start()
  assert.equal(shelf.list().length, 1)
  return { shelf, path, bytes, id: parseBookId(shelf.list()[0].id) }
}

describe('fetch server', () => {
  let dir: string
  let shelf: Shelf
  let book: { bytes: Buffer, id: CID }
  let remote: FetchConnection
  const streams: Stream[] = []
  const signal = (): AbortSignal => AbortSignal.timeout(5_000)

  before(async () => {
    dir = await tempDir()
    const shared = await shelfWithBook(join(dir, 'shared'), 1)
    shelf = shared.shelf
    book = shared
    remote = { remotePeer: peerIdFromPrivateKey(await generateKeyPair('Ed25519')), remoteAddr: multiaddr('/ip4/127.0.0.1/tcp/4001') }
  })
  after(async () => {
    await shelf.stop()
    await removeDir(dir)
  })
  afterEach(() => {
    for (const s of streams.splice(0)) s.abort(new Error('test over'))
  })

  /** A client channel whose other end the fetch server handles. */
  async function connect (options: Partial<FetchServerOptions> = {}, served = shelf): Promise<FetchChannel> {
    const [client, server] = await streamPair()
    streams.push(client, server)
    void handleFetchStream(server, remote, { shelf: served, log, ...options })
    return new RequestChannel(client, FETCH)
  }

  async function refusal (request: Promise<unknown>): Promise<ArkshareRemoteError> {
    const err = await request.then(() => undefined, (err: unknown) => err)
    assert.ok(err instanceof ArkshareRemoteError, `expected an error reply, got ${String(err)}`)
    return err
  }

  /** Reads the payload frames of a CHUNKS reply and checks each against the manifest and the file. */
  async function receiveChunks (channel: FetchChannel, first: number, count: number): Promise<void> {
    const manifest = shelf.list()[0].manifest
    for (let index = first; index < first + count; index++) {
      const data = (await channel.receiveFrame(signal(), manifest.chunkSize)).subarray()
      assert.ok(chunkMatches(manifest, index, data), `chunk ${index} verifies`)
      assert.ok(book.bytes.subarray(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE).equals(data))
    }
  }

  it('serves over a relay only a book within the limit it is given, else E_NOT_AUTHORIZED', async () => {
    const big = await connect({ maxBookBytes: BOOK_SIZE - 1 })
    const refused = await refusal(requestManifest(big, book.id, signal()))
    assert.equal(refused.status, Status.E_NOT_AUTHORIZED)
    assert.match(refused.message, /too large for the relay/)
    const small = await connect({ maxBookBytes: BOOK_SIZE })
    assert.equal((await requestManifest(small, book.id, signal())).size, BOOK_SIZE)
  })

  it('refuses every request of a stream it was told to refuse, with the reason', async () => {
    const [client, server] = await streamPair()
    streams.push(client, server)
    void refuseFetchStream(server, log, 'not a relayed connection: use /arkshare/fetch')
    const refused = await refusal(requestManifest(new RequestChannel(client, FETCH), book.id, signal()))
    assert.equal(refused.status, Status.E_NOT_AUTHORIZED)
    assert.match(refused.message, /not a relayed connection: use \/arkshare\/fetch/)
  })

  it('answers MANIFEST with the manifest the book ID is the hash of', async () => {
    const channel = await connect()
    const manifest = await requestManifest(channel, book.id, signal())
    assert.equal(manifest.size, BOOK_SIZE)
    assert.deepEqual(manifest, shelf.list()[0].manifest)
  })

  it('writes the chunks of a request in batches of up to READ_BATCH_CHUNKS, one chunk a write under an upload limit', async () => {
    /** The sizes of the server's writes that carry chunk data, while a 3-chunk request is served. */
    const chunkWrites = async (options: Partial<FetchServerOptions>): Promise<number[]> => {
      const [client, server] = await streamPair()
      streams.push(client, server)
      const sizes: number[] = []
      const send = server.send.bind(server)
      server.send = (data) => { sizes.push(data.byteLength); return send(data) }
      void handleFetchStream(server, remote, { shelf, log, ...options })
      const channel = new RequestChannel(client, FETCH)
      await channel.send(chunksRequest(book.id, { first: 0, count: 3 }), signal())
      assert.equal((await channel.receive(signal())).status, Status.OK)
      await receiveChunks(channel, 0, 3)
      return sizes.filter(n => n >= CHUNK_SIZE / 2)
    }
    assert.ok(READ_BATCH_CHUNKS >= 3)
    // the three chunks (2.5 chunks of bytes) and their prefixes in one write
    assert.deepEqual((await chunkWrites({})).length, 1)
    // a limit high enough not to slow the test still paces chunk by chunk
    assert.deepEqual((await chunkWrites({ budget: new BandwidthBudget({ total: 1024 * 1024 * 1024 }) })).length, 3)
  })

  it('answers CHUNKS with the length, then one payload frame per chunk that verifies', async () => {
    const channel = await connect()
    await channel.send(chunksRequest(book.id, { first: 1, count: 2 }), signal())
    const reply = await channel.receive(signal())
    assert.equal(reply.status, Status.OK)
    assert.equal(reply.length, BigInt(BOOK_SIZE - CHUNK_SIZE))
    await receiveChunks(channel, 1, 2)
    // the stream carries more requests after that
    await channel.send(chunksRequest(book.id, { first: 0, count: 1 }), signal())
    assert.equal((await channel.receive(signal())).length, BigInt(CHUNK_SIZE))
    await receiveChunks(channel, 0, 1)
  })

  it('answers E_NOT_FOUND for a book it does not share', async () => {
    const other = bookIdOf({ size: 3, chunkSize: CHUNK_SIZE, chunkHashes: new Uint8Array(32).fill(9) })
    const err = await refusal(requestManifest(await connect(), other, signal()))
    assert.equal(err.status, Status.E_NOT_FOUND)
  })

  it('answers E_INVALID_REQUEST for a chunk range outside the book or the request limit', async () => {
    const ranges = [{ first: 0, count: 0 }, { first: 2, count: 2 }, { first: 3, count: 1 }, { first: 0, count: LIMITS.fetch.maxChunksPerRequest + 1 }]
    for (const run of ranges) {
      const err = await refusal((await connect()).request(chunksRequest(book.id, run), signal()))
      assert.equal(err.status, Status.E_INVALID_REQUEST, `chunks ${run.first}+${run.count}`)
    }
    const badId: FetchRequest = { type: FetchRequest.Type.MANIFEST, bookId: Uint8Array.from([1, 2, 3]), firstChunk: 0, chunkCount: 0 }
    assert.equal((await refusal((await connect()).request(badId, signal()))).status, Status.E_INVALID_REQUEST)
  })

  it('tells a queued downloader its place at once, at least every heartbeat, and as soon as it changes', async () => {
    const heartbeatMs = 600
    const slots = new UploadSlots(1)
    const holder = await slots.acquire('holder')
    const ahead = new AbortController()
    const waitingAhead = slots.acquire('ahead', { signal: ahead.signal }).catch(() => undefined)
    const channel = await connect({ slots, queueHeartbeatMs: heartbeatMs })
    await channel.send(chunksRequest(book.id, { first: 0, count: 1 }), signal())

    const queued = async (): Promise<{ reply: FetchResponse, at: number }> => {
      const reply = await channel.receive(signal())
      assert.equal(reply.status, Status.QUEUED)
      return { reply, at: Date.now() }
    }
    const first = await queued()
    assert.equal(first.reply.queuePosition, 2)
    let last = first
    for (let i = 0; i < 3; i++) {
      const next = await queued()
      assert.equal(next.reply.queuePosition, 2)
      const gap = next.at - last.at
      assert.ok(gap >= heartbeatMs - 50 && gap < heartbeatMs + 300, `a heartbeat ${gap} ms after the last notice`)
      last = next
    }

    // the peer ahead leaves the queue just after a heartbeat: the new place comes long before the next one
    const left = Date.now()
    ahead.abort()
    await waitingAhead
    const moved = await queued()
    assert.equal(moved.reply.queuePosition, 1)
    assert.ok(moved.at - left < heartbeatMs / 2, `the new place came ${moved.at - left} ms after it changed`)

    holder()
    const granted = await channel.receive(signal())
    assert.equal(granted.status, Status.OK)
    assert.equal(granted.length, BigInt(CHUNK_SIZE))
    await receiveChunks(channel, 0, 1)
    assert.equal(slots.inUse, 1, 'the stream holds the slot until it ends')
    await channel.close()
    await eventually(() => slots.inUse === 0, 2_000, 'slot released')
  })

  it('answers E_UNAVAILABLE for a file changed on disk since it was shared, and the shelf lists it anew', async () => {
    const changing = await shelfWithBook(join(dir, 'changing'), 2)
    try {
      await rewriteInPlace(changing.path, bookBytes(3, BOOK_SIZE))
      const err = await refusal(requestManifest(await connect({}, changing.shelf), changing.id, signal()))
      assert.equal(err.status, Status.E_UNAVAILABLE)
      await eventually(() => {
        const listed = changing.shelf.list()
        return listed.length === 1 && listed[0].id !== changing.id.toString()
      }, 5_000, 'the changed file re-listed under its new ID')
    } finally {
      await changing.shelf.stop()
    }
  })
})
