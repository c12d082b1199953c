// Before a download, providers are pinged to find the nearest: one at a time, best known first, the
// next only when the one before failed or is slow to answer; the download starts once one has
// answered, while a provider that stays silent is still being waited for in the background, and
// the providers never pinged are left alone.
import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PING_TIMEOUT_MS } from '../../src/peer/constants.js'
import { PingRanker, type PingRankerComponents } from '../../src/peer/providers/ping-ranker.js'
import { ProviderPings } from '../../src/peer/providers/provider-pings.js'
import type { ProviderInfo } from '../../src/wire/records.js'
import { useSwarm } from '../helpers.js'

describe('pinging providers before a download', function () {
  this.timeout(30_000)
  const swarm = useSwarm()

  it('pings the next provider when one is slow, returns once one answers, ranking it first, without waiting for a silent one', async () => {
    // accepts TCP connections and never says a word: its ping can only time out
    const open = new Set<Socket>()
    const silent = createServer(socket => { open.add(socket); socket.on('close', () => open.delete(socket)) })
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as { port: number }).port
    try {
      const silentId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
      const near = await swarm.peer('near')
      const downloader = await swarm.peer('d')
      const ranker = new PingRanker((downloader as any).components as PingRankerComponents)
      const providers = [
        { peerId: silentId, multiaddrs: [`/ip4/127.0.0.1/tcp/${port}/p2p/${silentId}`] },
        { peerId: near.peerId.toString(), multiaddrs: near.getMultiaddrs().map(a => a.toString()) }
      ]
      // the silent provider's ping can end only at its timeout: measuring must be over before that
      const timedOut = new Promise<'timeout'>(resolve => setTimeout(() => { resolve('timeout') }, PING_TIMEOUT_MS))
      assert.equal(await Promise.race([ranker.measure(providers, undefined, 'first').then(() => 'measured' as const), timedOut]), 'measured')
      assert.equal(open.size, 1, 'the silent provider is still being waited for')
      assert.deepEqual(ranker.rank(providers).map(p => p.peerId), [near.peerId.toString(), silentId])
    } finally {
      for (const s of open) s.destroy()
      await new Promise(resolve => silent.close(resolve))
    }
  })

  it('pings no other provider once one answered, the nearest known first', async () => {
    const [a, b, c] = [await swarm.peer('a'), await swarm.peer('b'), await swarm.peer('c')]
    const downloader = await swarm.peer('d')
    // the next is pinged only when the one before failed, however slow it is
    const ranker = new PingRanker((downloader as any).components as PingRankerComponents, { staggerMs: 60_000 })
    const info = (n: typeof a): ProviderInfo => ({ peerId: n.peerId.toString(), multiaddrs: n.getMultiaddrs().map(x => x.toString()) })
    // measured earlier (say, by a search): b is the nearest known
    ranker.stats.recordRtt(b.peerId.toString(), 1)
    assert.deepEqual(await ranker.measure([a, b, c].map(info), undefined, 'first'), [b.peerId.toString()])
    for (const other of [a, c]) assert.equal(downloader.getConnections(other.peerId).length, 0, 'not dialled')
    // a download's pings: each provider once; asked again, the next in order answers
    const pings = new ProviderPings(ranker)
    await pings.nearest([a, b, c].map(info))
    await pings.nearest([a, b, c].map(info))
    assert.equal(downloader.getConnections(a.peerId).length, 1, 'the next in order, pinged the second time')
    assert.equal(downloader.getConnections(c.peerId).length, 0, 'still not dialled')
  })
})
