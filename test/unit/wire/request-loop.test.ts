// The server side every protocol shares (serveRequests) and the client side (RequestChannel), over
// in-memory stream pairs: many exchanges on one stream, pipelining, payload frames, interim replies,
// error replies that end the stream, the idle timer, the request cap and the stream budget.
import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import { logger } from '@libp2p/logger'
import { StreamBudget } from '../../../src/limits/stream-budget.js'
import { ArkshareRemoteError, RequestError } from '../../../src/wire/errors.js'
import { FETCH, SEARCH, FetchRequest, Status, type FetchResponse, type SearchRequest, type SearchResponse } from '../../../src/wire/messages.js'
import { RequestChannel } from '../../../src/wire/request-channel.js'
import { serveRequests, type RequestLoopOptions } from '../../../src/wire/request-loop.js'
import { streamPair } from '../../support/stream-pairs.js'
import type { Stream } from '@libp2p/interface'

const log = logger('arkshare:test')

function searchReply (status: Status, message = '', total = 0, retryAfterSeconds = 0): SearchResponse {
  return { status, message, results: [], total, retryAfterSeconds, totalIsEstimate: false }
}

function search (query: string): SearchRequest {
  return { query, limit: 0, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false, derivedFileNames: false }
}

/** A search server on one end of a pair, answering `total` = the query's length; the client channel on the other. */
async function searchPair (options: Partial<RequestLoopOptions<SearchRequest, SearchResponse>> = {}): Promise<{ client: RequestChannel<SearchRequest, SearchResponse>, served: Promise<void>, server: Stream }> {
  const [outbound, inbound] = await streamPair()
  const served = serveRequests<SearchRequest, SearchResponse>({
    stream: inbound,
    log,
    exchange: SEARCH,
    errorResponse: (status, message, retryAfterSeconds) => searchReply(status, message, 0, retryAfterSeconds),
    handle: async (request) => {
      if (request.query === 'boom') throw new Error('a bug')
      if (request.query === 'refuse') throw new RequestError(Status.E_RATE_LIMITED, 'slow down', 7)
      return { response: searchReply(Status.OK, '', request.query.length), last: request.query === 'bye' }
    },
    ...options
  })
  return { client: new RequestChannel(outbound, SEARCH), served, server: inbound }
}

describe('request loop and request channel', () => {
  it('answers many requests on one stream, pipelined ones in order', async () => {
    const { client, served } = await searchPair()
    assert.equal((await client.request(search('one'))).total, 3)
    for (const q of ['a', 'bb', 'ccc']) await client.send(search(q))
    assert.deepEqual([(await client.receive()).total, (await client.receive()).total, (await client.receive()).total], [1, 2, 3])
    await client.close()
    await served
  })

  it('ends the stream after an error reply: a refusal keeps its status and retry-after, a bug is an internal error', async () => {
    const refused = await searchPair()
    await assert.rejects(refused.client.request(search('refuse')), (err: Error) => err instanceof ArkshareRemoteError && err.status === Status.E_RATE_LIMITED && err.retryAfterSeconds === 7)
    await refused.served
    assert.equal(refused.server.writeStatus, 'closed')

    const buggy = await searchPair()
    await assert.rejects(buggy.client.request(search('boom')), (err: Error) => err instanceof ArkshareRemoteError && err.status === Status.E_INTERNAL_ERROR && !err.message.includes('a bug'))
    await buggy.served
  })

  it('closes after a reply marked last, and after the request cap', async () => {
    const last = await searchPair()
    await last.client.request(search('bye'))
    await assert.rejects(last.client.receive(AbortSignal.timeout(1_000)), /closed the stream before replying/)
    await last.client.close()
    await last.served

    const capped = await searchPair({ maxRequests: 2 })
    await capped.client.request(search('1'))
    await capped.client.request(search('2'))
    await assert.rejects(capped.client.request(search('3')))
    await capped.served
  })

  it('closes a stream idle past the idle timeout with no reply, and a request that trickles in counts as idle', async () => {
    const idle = await searchPair({ idleTimeoutMs: 100 })
    const started = Date.now()
    await assert.rejects(idle.client.receive(AbortSignal.timeout(1_000)), /closed the stream before replying/)
    assert.ok(Date.now() - started >= 90)
    await idle.client.close()
    await idle.served

    const trickle = await searchPair({ idleTimeoutMs: 200 })
    // a 40-byte frame whose bytes arrive slower than the timer runs
    trickle.client.stream.send(Uint8Array.from([40, 0x0a]))
    await new Promise(resolve => setTimeout(resolve, 120))
    trickle.client.stream.send(Uint8Array.from([1, 0x61]))
    await assert.rejects(trickle.client.receive(AbortSignal.timeout(1_000)))
    await trickle.client.close()
    await trickle.served
  })

  it('sends payload frames after a reply, a frame per payload however they are batched, and interim replies before it', async () => {
    const [outbound, inbound] = await streamPair()
    const empty: FetchResponse = { status: Status.OK, message: '', size: 0n, chunkSize: 0, chunkHashes: new Uint8Array(0), length: 0n, queuePosition: 0, retryAfterSeconds: 0 }
    const served = serveRequests<FetchRequest, FetchResponse>({
      stream: inbound,
      log,
      exchange: FETCH,
      errorResponse: (status, message) => ({ ...empty, status, message }),
      handle: async (request, { interim }) => {
        await interim({ ...empty, status: Status.QUEUED, queuePosition: 2 })
        await interim({ ...empty, status: Status.QUEUED, queuePosition: 1 })
        const payload = (i: number): Uint8Array => new Uint8Array(1000).fill(i)
        // a batch of two, then one: each payload still its own frame
        const frames = (async function * () { yield [payload(0), payload(1)]; for (let i = 2; i < request.chunkCount; i++) yield [payload(i)] })()
        return { response: { ...empty, length: BigInt(request.chunkCount * 1000) }, frames }
      }
    })
    const client = new RequestChannel(outbound, FETCH)
    await client.send({ type: FetchRequest.Type.CHUNKS, bookId: new Uint8Array([1]), firstChunk: 0, chunkCount: 3 })
    assert.deepEqual([(await client.receive()).queuePosition, (await client.receive()).queuePosition], [2, 1])
    const reply = await client.receive()
    assert.deepEqual([reply.status, reply.length], [Status.OK, 3000n])
    for (let i = 0; i < 3; i++) assert.equal((await client.receiveFrame(undefined, 1000)).get(999), i)
    await client.close()
    await served
  })

  it('refuses a stream past the budget with E_UNAVAILABLE, and gives the place back when a stream ends', async () => {
    const streams = new StreamBudget({ maxOpen: 1, maxOpenPerAddress: 1 })
    const budget = { streams, remote: multiaddr('/ip4/10.0.0.1/tcp/1') }
    const first = await searchPair({ budget })
    await first.client.request(search('x'))
    const second = await searchPair({ budget })
    // refused before it asked anything: the channel surfaces the server's reason
    await assert.rejects(second.client.request(search('y')), (err: Error) => err instanceof ArkshareRemoteError && err.status === Status.E_UNAVAILABLE && err.retryAfterSeconds === 1)
    await first.client.close()
    await first.served
    assert.equal(streams.openStreams, 0)
    const third = await searchPair({ budget })
    assert.equal((await third.client.request(search('zz'))).total, 2)
    await third.client.close()
  })
})
