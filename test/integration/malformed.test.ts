// Bad input on every protocol gets an error reply, and the node keeps serving everyone else.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { varint } from 'multiformats'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { FetchRequest, FetchResponse, RegisterRequest, RegisterResponse, SearchRequest, SearchResponse, Status } from '../../src/wire/arkshare.pb.js'
import { frame, MessageReader } from '../../src/wire/framing.js'
import { FETCH_PROTOCOL, LIMITS, REGISTER_PROTOCOL, SEARCH_PROTOCOL } from '../../src/wire/protocols.js'
import { bookToWire } from '../../src/wire/records.js'
import { bookBytes, indexAddr, removeDir, startIndex, startPeer, tempDir, waitForProviders, writeBook, LOOPBACK } from '../helpers.js'
import { createArkshareNode, type ArkshareNode, type IndexNode } from '../../src/node/create-node.js'
import type { Codec } from 'protons-runtime'

describe('malformed and oversized messages', function () {
  this.timeout(60_000)
  let dir: string
  let index: IndexNode
  let sharer: ArkshareNode
  let attacker: ArkshareNode
  let bookId: string

  before(async () => {
    dir = await tempDir()
    index = await startIndex()
    const path = await writeBook(join(dir, 'shelf'), 'Jules Verne - Twenty Thousand Leagues.txt', bookBytes(11, 600_000))
    bookId = bookIdOf(await hashFile(path)).toString()
    sharer = await startPeer(index, { share: [join(dir, 'shelf')] })
    attacker = await createArkshareNode({ listen: [LOOPBACK] })
    await waitForProviders(index, bookId, 1)
  })

  after(async () => {
    await attacker.stop()
    await sharer.stop()
    await index.stop()
    await removeDir(dir)
  })

  /** Sends raw bytes on a fresh stream and decodes the single reply. */
  async function exchange<T> (target: string, protocol: string, raw: Uint8Array, codec: { codec: () => Codec<T>, decode: (b: any) => T }, checkClosed = true): Promise<{ reply: T, closed: boolean }> {
    const stream = await attacker.dialProtocol(multiaddr(target), protocol)
    stream.send(raw)
    const reader = new MessageReader(stream, { maxMessageBytes: LIMITS.fetch.maxResponseBytes })
    const reply = await reader.read(codec, AbortSignal.timeout(10_000))
    // the server closes its side after an error reply
    const rest = checkClosed ? await reader.readFrame(AbortSignal.timeout(10_000)).then(() => false, () => true) : false
    stream.abort(new Error('done'))
    return { reply, closed: rest }
  }

  const sharerAddr = (): string => sharer.getMultiaddrs()[0].toString()
  const garbage = frame(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])).subarray()
  const hugePrefix = (): Uint8Array => { const b = new Uint8Array(8); varint.encodeTo(100 * 1024 * 1024, b); return b.subarray(0, varint.encodingLength(100 * 1024 * 1024)) }

  for (const [name, protocol, codec, target] of [
    ['register', REGISTER_PROTOCOL, RegisterResponse, 'index'],
    ['search', SEARCH_PROTOCOL, SearchResponse, 'index'],
    ['fetch', FETCH_PROTOCOL, FetchResponse, 'sharer']
  ] as const) {
    it(`${name}: garbage gets E_INVALID_REQUEST and the stream closes`, async () => {
      const { reply, closed } = await exchange(target === 'index' ? indexAddr(index) : sharerAddr(), protocol, garbage, codec as any)
      assert.equal((reply as any).status, Status.E_INVALID_REQUEST)
      assert.ok(closed)
    })

    it(`${name}: a 100 MiB length prefix gets E_MESSAGE_TOO_LARGE without being read`, async () => {
      const { reply } = await exchange(target === 'index' ? indexAddr(index) : sharerAddr(), protocol, hugePrefix(), codec as any)
      assert.equal((reply as any).status, Status.E_MESSAGE_TOO_LARGE)
    })
  }

  it('register: more books than one message may carry gets E_MESSAGE_TOO_LARGE', async () => {
    const book = bookToWire({ id: bookId, title: 't', author: '', format: 'txt', size: 1, fileName: 'f.txt', language: '' })
    const books = Array.from({ length: LIMITS.register.maxBooksPerMessage + 1 }, () => book)
    const raw = frame(RegisterRequest.encode({ type: RegisterRequest.Type.PUT, replace: true, books, remove: [], ttl: 0 })).subarray()
    const { reply } = await exchange(indexAddr(index), REGISTER_PROTOCOL, raw, RegisterResponse)
    assert.equal(reply.status, Status.E_MESSAGE_TOO_LARGE)
  })

  it('register: an invalid book ID, a path as file name, or a bad ttl get a clear error and register nothing', async () => {
    const good = bookToWire({ id: bookId, title: 'Evil', author: '', format: 'txt', size: 1, fileName: 'evil.txt', language: '' })
    for (const [patch, status, ttl] of [
      [{ id: new Uint8Array([1, 2, 3]) }, Status.E_INVALID_REQUEST, 0],
      [{ fileName: '../../x' }, Status.E_INVALID_REQUEST, 0],
      [{}, Status.E_INVALID_TTL, 10 * 365 * 24 * 3600]
    ] as const) {
      const raw = frame(RegisterRequest.encode({ type: RegisterRequest.Type.PUT, replace: true, books: [{ ...good, ...patch }], remove: [], ttl })).subarray()
      const { reply } = await exchange(indexAddr(index), REGISTER_PROTOCOL, raw, RegisterResponse)
      assert.equal(reply.status, status)
      assert.ok(reply.message.length > 0)
    }
    assert.equal(index.services.index.search('evil').hits.length, 0)
  })

  it('search: an empty query or a query-syntax injection attempt is answered, not crashed on', async () => {
    const empty = frame(SearchRequest.encode({ query: '', limit: 0, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array() })).subarray()
    assert.equal((await exchange(indexAddr(index), SEARCH_PROTOCOL, empty, SearchResponse)).reply.status, Status.E_INVALID_REQUEST)
    const inject = frame(SearchRequest.encode({ query: 'title:x OR * NEAR("a" "b") "unbalanced', limit: 0, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array() })).subarray()
    const { reply } = await exchange(indexAddr(index), SEARCH_PROTOCOL, inject, SearchResponse, false)
    assert.ok(reply.status === Status.OK || reply.status === Status.E_INVALID_REQUEST)
  })

  it('fetch: an unknown book is E_NOT_FOUND and a chunk range past the end is E_INVALID_REQUEST', async () => {
    const other = bookIdOf({ size: 1, chunkSize: 262144, chunkHashes: new Uint8Array(32) })
    const unknown = frame(FetchRequest.encode({ type: FetchRequest.Type.MANIFEST, bookId: other.bytes as Uint8Array<ArrayBuffer>, firstChunk: 0, chunkCount: 0 })).subarray()
    assert.equal((await exchange(sharerAddr(), FETCH_PROTOCOL, unknown, FetchResponse)).reply.status, Status.E_NOT_FOUND)
    const { parseBookId } = await import('../../src/content/book-id.js')
    const past = frame(FetchRequest.encode({ type: FetchRequest.Type.CHUNKS, bookId: parseBookId(bookId).bytes as Uint8Array<ArrayBuffer>, firstChunk: 2, chunkCount: 5 })).subarray()
    assert.equal((await exchange(sharerAddr(), FETCH_PROTOCOL, past, FetchResponse)).reply.status, Status.E_INVALID_REQUEST)
    const tooMany = frame(FetchRequest.encode({ type: FetchRequest.Type.CHUNKS, bookId: parseBookId(bookId).bytes as Uint8Array<ArrayBuffer>, firstChunk: 0, chunkCount: 65 })).subarray()
    assert.equal((await exchange(sharerAddr(), FETCH_PROTOCOL, tooMany, FetchResponse)).reply.status, Status.E_INVALID_REQUEST)
  })

  it('keeps serving legitimate peers afterwards', async () => {
    const peer = await startPeer(index, { downloads: join(dir, 'dl') })
    try {
      const { results } = await peer.services.arkshare.search('verne leagues')
      assert.equal(results.length, 1)
      const result = await peer.services.arkshare.get(bookId)
      assert.equal(result.bytes, 600_000)
    } finally {
      await peer.stop()
    }
  })
})
