// Open-stream caps: hundreds of idle streams from one address (a slow-loris) are refused past the
// per-address cap while peers elsewhere keep registering and searching; the total cap holds too;
// an idle or trickling stream is closed after the idle timeout.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { SEARCH, SearchRequest, SearchResponse, Status } from '../../src/wire/messages.js'
import { LIMITS, SEARCH_PROTOCOL } from '../../src/wire/protocols.js'
import { RequestChannel } from '../../src/wire/request-channel.js'
import { FrameReader } from '../../src/wire/frame-reader.js'
import { ArkshareRemoteError } from '../../src/wire/errors.js'
import { createArkshareNode, type ArkshareNode, type IndexNode } from '../../src/node/create-node.js'
import { bookBytes, eventually, folderAndNodesPerTest, startIndex, writeBook, LOOPBACK } from '../helpers.js'

const LOOPBACK6 = '/ip6/::1/tcp/0'

describe('open-stream limits', function () {
  this.timeout(60_000)
  const scope = folderAndNodesPerTest()
  const { stops } = scope

  async function node (listen: string): Promise<ArkshareNode> {
    const n = await createArkshareNode({ listen: [listen] })
    stops.push(n)
    return n
  }

  function addrOn (index: IndexNode, family: 'ip4' | 'ip6'): string {
    return index.getMultiaddrs().map(String).find(a => a.startsWith(`/${family}/`)) as string
  }

  /** Opens `count` search streams from `attackers` (8 per connection, the per-connection cap), sending nothing. */
  async function idleStreams (attackers: ArkshareNode[], addr: string, count: number): Promise<Array<RequestChannel<SearchRequest, SearchResponse>>> {
    const channels: Array<RequestChannel<SearchRequest, SearchResponse>> = []
    for (let i = 0; i < count; i++) {
      const stream = await attackers[Math.floor(i / 8)].dialProtocol(multiaddr(addr), SEARCH_PROTOCOL)
      channels.push(new RequestChannel(stream, SEARCH))
    }
    return channels
  }

  const ask = async (channel: RequestChannel<SearchRequest, SearchResponse>): Promise<Status> => {
    try {
      return (await channel.request({ query: 'anything', limit: 1, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false, derivedFileNames: false }, AbortSignal.timeout(10_000))).status
    } catch (err) {
      if (err instanceof ArkshareRemoteError) {
        assert.match(err.message, /too many open streams/)
        assert.ok(err.retryAfterSeconds >= 1)
        return err.status
      }
      throw err
    }
  }

  it('refuses streams past the per-address cap while other addresses register and search', async () => {
    const index = await startIndex({ listen: [LOOPBACK, LOOPBACK6], maxOpenStreamsPerAddress: 16 })
    stops.push(index)
    const attackers = await Promise.all(Array.from({ length: 25 }, async () => await node(LOOPBACK)))
    const channels = await idleStreams(attackers, addrOn(index, 'ip4'), 200)

    // a peer on another address is not held back by the 200 idle streams
    await writeBook(join(scope.dir, 'shelf'), 'Mary Shelley - Frankenstein.txt', bookBytes(71, 5000))
    const honest = await createArkshareNode({ listen: [LOOPBACK6], indexes: [addrOn(index, 'ip6')], share: [join(scope.dir, 'shelf')] })
    stops.push(honest)
    const found = await eventually(async () => {
      const r = await honest.services.arkshare.search('frankenstein')
      return r.results.length === 1 ? r : undefined
    })
    assert.equal(found.results[0].providers[0].peerId, honest.peerId.toString())

    // of the 200, exactly the first 16 were admitted
    const statuses = await Promise.all(channels.map(ask))
    assert.equal(statuses.filter(s => s === Status.OK).length, 16)
    assert.equal(statuses.filter(s => s === Status.E_UNAVAILABLE).length, 184)
    assert.equal(index.services.index.requestCounters().streamsRefused, 184, 'the index counts the streams it refused')

    // closing them gives the address its places back
    await Promise.all(channels.map(async c => { await c.close() }))
    const later = await node(LOOPBACK)
    await eventually(async () => (await ask((await idleStreams([later], addrOn(index, 'ip4'), 1))[0])) === Status.OK)
  })

  it('holds the total cap across addresses, and frees places as streams close', async () => {
    const index = await startIndex({ listen: [LOOPBACK, LOOPBACK6], maxOpenStreams: 12 })
    stops.push(index)
    const attackers = await Promise.all(Array.from({ length: 2 }, async () => await node(LOOPBACK)))
    const channels = await idleStreams(attackers, addrOn(index, 'ip4'), 12)
    assert.equal(await ask(channels[0]), Status.OK, 'an admitted stream is served')
    const other = await node(LOOPBACK6)
    const [refused] = await idleStreams([other], addrOn(index, 'ip6'), 1)
    assert.equal(await ask(refused), Status.E_UNAVAILABLE)
    await Promise.all(channels.map(async c => { await c.close() }))
    await eventually(async () => (await ask((await idleStreams([other], addrOn(index, 'ip6'), 1))[0])) === Status.OK)
  })

  it('closes a stream that stays idle, or trickles a request, past the idle timeout', async () => {
    const index = await startIndex({ streamIdleMs: 1_000 })
    stops.push(index)
    const client = await node(LOOPBACK)
    const closedWithin = async (send?: Uint8Array): Promise<number> => {
      const stream = await client.dialProtocol(multiaddr(addrOn(index, 'ip4')), SEARCH_PROTOCOL)
      const started = Date.now()
      if (send != null) stream.send(send)
      const reader = new FrameReader(stream, { maxFrameBytes: LIMITS.search.maxResponseBytes })
      // the server closes its side with no reply (a clean end), or resets the stream
      const end = await reader.read(AbortSignal.timeout(10_000)).catch((err: Error) => err)
      assert.ok(end === undefined || (end instanceof Error && end.name !== 'TimeoutError' && end.name !== 'AbortError'), `got ${String(end)}`)
      stream.abort(new Error('done'))
      return Date.now() - started
    }
    const idle = await closedWithin()
    assert.ok(idle >= 900 && idle < 5_000, `idle stream closed after ${idle} ms`)
    // half a request (its length says 40 bytes, 3 arrive) is no better than none
    const trickle = await closedWithin(Uint8Array.from([40, 10, 1, 120]))
    assert.ok(trickle >= 900 && trickle < 5_000, `trickling stream closed after ${trickle} ms`)
  })
})
