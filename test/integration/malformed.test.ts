// Bad input on every protocol gets an error reply, and the node keeps serving everyone else.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { varint } from 'multiformats'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { decodeMessage, FETCH, FetchRequest, REGISTER, RegisterRequest, SEARCH, SearchRequest, Status, type MessageSpec } from '../../src/wire/messages.js'
import { frame } from '../../src/wire/framing.js'
import { FrameReader } from '../../src/wire/frame-reader.js'
import { FETCH_PROTOCOL, LIMITS, REGISTER_PROTOCOL, SEARCH_PROTOCOL } from '../../src/wire/protocols.js'
import { bookToWire } from '../../src/wire/records.js'
import { bookBytes, indexAddr, removeDir, startIndex, startPeer, tempDir, waitForProviders, writeBook, LOOPBACK } from '../helpers.js'
import { createArkshareNode, type ArkshareNode, type IndexNode } from '../../src/node/create-node.js'

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

  /** Sends raw bytes on a fresh stream (then ends its side, if asked) and decodes the single reply. */
  async function exchange<T> (target: string, protocol: string, raw: Uint8Array, spec: MessageSpec<T>, options: { checkClosed?: boolean, endAfter?: boolean } = {}): Promise<{ reply: T, closed: boolean }> {
    const stream = await attacker.dialProtocol(multiaddr(target), protocol)
    stream.send(raw)
    if (options.endAfter === true) await stream.close()
    const reader = new FrameReader(stream, { maxFrameBytes: LIMITS.fetch.maxResponseBytes })
    const frame = await reader.read(AbortSignal.timeout(10_000))
    assert.ok(frame != null, 'no reply before the stream ended')
    const reply = decodeMessage(spec, frame)
    // the server closes its side after an error reply
    const closed = options.checkClosed !== false ? await reader.read(AbortSignal.timeout(10_000)).then(f => f === undefined, () => true) : false
    stream.abort(new Error('done'))
    return { reply, closed }
  }

  const sharerAddr = (): string => sharer.getMultiaddrs()[0].toString()
  const garbage = frame(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])).subarray()
  const hugePrefix = (): Uint8Array => { const b = new Uint8Array(8); varint.encodeTo(100 * 1024 * 1024, b); return b.subarray(0, varint.encodingLength(100 * 1024 * 1024)) }
  /** A length prefix of `bytes` bytes announcing 2^(7 bytes) - 1 (over every request limit from 3 bytes on). */
  const longPrefix = (bytes: number): Uint8Array => Uint8Array.from({ length: bytes }, (_, i) => i === bytes - 1 ? 0x7f : 0xff)

  for (const [name, protocol, spec, target] of [
    ['register', REGISTER_PROTOCOL, REGISTER.response, 'index'],
    ['search', SEARCH_PROTOCOL, SEARCH.response, 'index'],
    ['fetch', FETCH_PROTOCOL, FETCH.response, 'sharer']
  ] as const) {
    const addr = (): string => target === 'index' ? indexAddr(index) : sharerAddr()
    const statusOf = async (raw: Uint8Array, endAfter = false): Promise<Status> => {
      const { reply, closed } = await exchange(addr(), protocol, raw, spec as unknown as MessageSpec<{ status: Status }>, { endAfter })
      assert.ok(closed, 'the stream stays open after an error reply')
      return reply.status
    }

    it(`${name}: garbage gets E_INVALID_REQUEST and the stream closes`, async () => {
      assert.equal(await statusOf(garbage), Status.E_INVALID_REQUEST)
    })

    it(`${name}: a 100 MiB length prefix gets E_MESSAGE_TOO_LARGE without being read`, async () => {
      assert.equal(await statusOf(hugePrefix()), Status.E_MESSAGE_TOO_LARGE)
    })

    it(`${name}: length prefixes of 3 to 10 bytes, and eleven 0xff, each get E_MESSAGE_TOO_LARGE`, async () => {
      for (let bytes = 3; bytes <= 10; bytes++) assert.equal(await statusOf(longPrefix(bytes)), Status.E_MESSAGE_TOO_LARGE, `${bytes}-byte prefix`)
      assert.equal(await statusOf(new Uint8Array(11).fill(0xff)), Status.E_MESSAGE_TOO_LARGE, 'eleven 0xff')
    })

    it(`${name}: a padded (non-minimal) length prefix, or a frame cut short, gets E_INVALID_REQUEST`, async () => {
      assert.equal(await statusOf(Uint8Array.from([0x82, 0x00, 1, 2])), Status.E_INVALID_REQUEST)
      assert.equal(await statusOf(Uint8Array.from([40, 10, 1, 120]), true), Status.E_INVALID_REQUEST)
    })

    it(`${name}: a known field sent with another wire type, or a wire type that does not exist, gets E_INVALID_REQUEST`, async () => {
      // field 1 with wire type 7 (was read as the register type REMOVE), then field 1 as a 4-byte fixed32
      assert.equal(await statusOf(frame(Uint8Array.from([0x0f, 0x01])).subarray()), Status.E_INVALID_REQUEST)
      assert.equal(await statusOf(frame(Uint8Array.from([0x0d, 1, 0, 0, 0])).subarray()), Status.E_INVALID_REQUEST)
      // an unknown field with wire type 6
      assert.equal(await statusOf(frame(Uint8Array.from([0xf6, 0x01, 0x00])).subarray()), Status.E_INVALID_REQUEST)
    })
  }

  it('search: a query that is not valid UTF-8 gets E_INVALID_REQUEST', async () => {
    const { reply } = await exchange(indexAddr(index), SEARCH_PROTOCOL, frame(Uint8Array.from([0x0a, 0x02, 0xc3, 0x28])).subarray(), SEARCH.response)
    assert.equal(reply.status, Status.E_INVALID_REQUEST)
  })

  it('register: more books than one message may carry gets E_MESSAGE_TOO_LARGE', async () => {
    const book = bookToWire({ id: bookId, title: 't', author: '', format: 'txt', size: 1, fileName: 'f.txt', language: '' })
    const books = Array.from({ length: LIMITS.register.maxBooksPerMessage + 1 }, () => book)
    const raw = frame(RegisterRequest.encode({ type: RegisterRequest.Type.PUT, replace: true, books, remove: [], ttl: 0 })).subarray()
    const { reply } = await exchange(indexAddr(index), REGISTER_PROTOCOL, raw, REGISTER.response)
    assert.equal(reply.status, Status.E_MESSAGE_TOO_LARGE)
  })

  it('register: a PUT past the per-peer book cap gets E_MESSAGE_TOO_LARGE and changes nothing', async () => {
    const small = await startIndex({ maxBooksPerPeer: 3 })
    try {
      const books = Array.from({ length: 4 }, (_, i) => bookToWire({ id: bookIdOf({ size: i + 1, chunkSize: 262144, chunkHashes: new Uint8Array(32).fill(i) }).toString(), title: `Capped ${i}`, author: '', format: 'txt', size: i + 1, fileName: `c${i}.txt`, language: '' }))
      const put = (list: typeof books, replace: boolean): Uint8Array => frame(RegisterRequest.encode({ type: RegisterRequest.Type.PUT, replace, books: list, remove: [], ttl: 0 })).subarray()
      assert.equal((await exchange(indexAddr(small), REGISTER_PROTOCOL, put(books.slice(0, 2), true), REGISTER.response, { checkClosed: false })).reply.status, Status.OK)
      const { reply } = await exchange(indexAddr(small), REGISTER_PROTOCOL, put(books.slice(2), false), REGISTER.response)
      assert.equal(reply.status, Status.E_MESSAGE_TOO_LARGE)
      assert.deepEqual(small.services.index.search('capped').hits.map(h => h.book.title).sort(), ['Capped 0', 'Capped 1'])
    } finally {
      await small.stop()
    }
  })

  it('register: an invalid book ID, a path as file name, or a bad ttl get a clear error and register nothing', async () => {
    const good = bookToWire({ id: bookId, title: 'Evil', author: '', format: 'txt', size: 1, fileName: 'evil.txt', language: '' })
    for (const [patch, status, ttl] of [
      [{ id: new Uint8Array([1, 2, 3]) }, Status.E_INVALID_REQUEST, 0],
      [{ fileName: '../../x' }, Status.E_INVALID_REQUEST, 0],
      [{ format: 'EPUB' }, Status.E_INVALID_REQUEST, 0],
      [{ size: 40n * 2n ** 30n }, Status.E_INVALID_REQUEST, 0],
      [{}, Status.E_INVALID_TTL, 10 * 365 * 24 * 3600]
    ] as const) {
      const raw = frame(RegisterRequest.encode({ type: RegisterRequest.Type.PUT, replace: true, books: [{ ...good, ...patch }], remove: [], ttl })).subarray()
      const { reply } = await exchange(indexAddr(index), REGISTER_PROTOCOL, raw, REGISTER.response)
      assert.equal(reply.status, status)
      assert.ok(reply.message.length > 0)
    }
    assert.equal(index.services.index.search('evil').hits.length, 0)
  })

  it('search: an empty query or a query-syntax injection attempt is answered, not crashed on', async () => {
    const empty = frame(SearchRequest.encode({ query: '', limit: 0, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array() })).subarray()
    assert.equal((await exchange(indexAddr(index), SEARCH_PROTOCOL, empty, SEARCH.response)).reply.status, Status.E_INVALID_REQUEST)
    const inject = frame(SearchRequest.encode({ query: 'title:x OR * NEAR("a" "b") "unbalanced', limit: 0, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array() })).subarray()
    const { reply } = await exchange(indexAddr(index), SEARCH_PROTOCOL, inject, SEARCH.response, { checkClosed: false })
    assert.ok(reply.status === Status.OK || reply.status === Status.E_INVALID_REQUEST)
  })

  it('fetch: an unknown book is E_NOT_FOUND and a chunk range past the end is E_INVALID_REQUEST', async () => {
    const other = bookIdOf({ size: 1, chunkSize: 262144, chunkHashes: new Uint8Array(32) })
    const unknown = frame(FetchRequest.encode({ type: FetchRequest.Type.MANIFEST, bookId: other.bytes as Uint8Array<ArrayBuffer>, firstChunk: 0, chunkCount: 0 })).subarray()
    assert.equal((await exchange(sharerAddr(), FETCH_PROTOCOL, unknown, FETCH.response)).reply.status, Status.E_NOT_FOUND)
    const { parseBookId } = await import('../../src/content/book-id.js')
    const past = frame(FetchRequest.encode({ type: FetchRequest.Type.CHUNKS, bookId: parseBookId(bookId).bytes as Uint8Array<ArrayBuffer>, firstChunk: 2, chunkCount: 5 })).subarray()
    assert.equal((await exchange(sharerAddr(), FETCH_PROTOCOL, past, FETCH.response)).reply.status, Status.E_INVALID_REQUEST)
    const tooMany = frame(FetchRequest.encode({ type: FetchRequest.Type.CHUNKS, bookId: parseBookId(bookId).bytes as Uint8Array<ArrayBuffer>, firstChunk: 0, chunkCount: 65 })).subarray()
    assert.equal((await exchange(sharerAddr(), FETCH_PROTOCOL, tooMany, FETCH.response)).reply.status, Status.E_INVALID_REQUEST)
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
