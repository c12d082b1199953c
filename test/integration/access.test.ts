// A rules file on the index keeps denied peers out, and a change to it applies within seconds,
// dropping connections it now refuses.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadOrCreateKey } from '../../src/node/identity.js'
import { createArkshareNode } from '../../src/node/create-node.js'
import { eventually, indexAddr, removeDir, startIndex, tempDir, LOOPBACK } from '../helpers.js'

describe('access rules on an index', function () {
  this.timeout(60_000)
  let dir: string
  const stops: Array<{ stop: () => void | Promise<void> }> = []
  before(async () => { dir = await tempDir() })
  after(async () => {
    await Promise.all(stops.map(async s => { await s.stop() }))
    await removeDir(dir)
  })

  it('refuses denied peers, and follows edits to the rules file', async () => {
    const keyA = await loadOrCreateKey(join(dir, 'a'))
    const keyB = await loadOrCreateKey(join(dir, 'b'))
    const rulesFile = join(dir, 'rules.txt')
    await writeFile(rulesFile, `# no B\ndeny ${peerIdFromPrivateKey(keyB).toString()}\n`)
    const index = await startIndex({ accessRulesFile: rulesFile })
    stops.push(index)
    const a = await createArkshareNode({ listen: [LOOPBACK], indexes: [indexAddr(index)], privateKey: keyA })
    const b = await createArkshareNode({ listen: [LOOPBACK], indexes: [indexAddr(index)], privateKey: keyB })
    stops.push(a, b)

    assert.equal((await a.services.arkshare.search('anything')).failures.length, 0)
    await assert.rejects(b.services.arkshare.search('anything'), /no index answered/)
    const refused = index.services.index.requestCounters().connectionsRefused
    assert.ok(refused.denied >= 1, JSON.stringify(refused))
    assert.equal(refused.perIpLimit, 0)

    // lift the ban on B, ban A: B gets in, A's open connection is dropped and it stays out
    await writeFile(rulesFile, `deny ${peerIdFromPrivateKey(keyA).toString()}\n`)
    await eventually(async () => (await b.services.arkshare.search('anything')).failures.length === 0, 15_000, 'B admitted')
    await eventually(() => a.getConnections(index.peerId).length === 0, 15_000, 'A disconnected')
    await assert.rejects(a.services.arkshare.search('anything'), /no index answered/)
  })
  it('caps connections from one IP address', async () => {
    const index = await startIndex({ connectionLimits: { maxConnectionsPerIp: 2 } })
    stops.push(index)
    const peers = await Promise.all([1, 2, 3].map(async () => await createArkshareNode({ listen: [], indexes: [indexAddr(index)] })))
    stops.push(...peers)
    await peers[0].services.arkshare.search('x')
    await peers[1].services.arkshare.search('x')
    await assert.rejects(peers[2].services.arkshare.search('x'), /no index answered/)
    const refused = index.services.index.requestCounters().connectionsRefused
    assert.ok(refused.perIpLimit >= 1, JSON.stringify(refused))
    assert.equal(refused.denied, 0)
    await peers[0].stop()
    await eventually(async () => (await peers[2].services.arkshare.search('x')).failures.length === 0, 15_000, 'a slot freed')
  })

  it('limits the new connections one IP address may open a second (arkshare index --max-new-connections-per-ip)', async () => {
    const index = await startIndex({ connectionLimits: { inboundConnectionThreshold: 2 } })
    stops.push(index)
    const peers = await Promise.all([1, 2, 3, 4, 5].map(async () => await createArkshareNode({ listen: [], indexes: [indexAddr(index)] })))
    stops.push(...peers)
    const outcomes = await Promise.allSettled(peers.map(async p => await p.services.arkshare.search('x')))
    const refused = peers.filter((_, i) => outcomes[i].status === 'rejected')
    // two a second: of five dialling at once, three are refused (fewer only if the burst spanned seconds)
    assert.ok(refused.length >= 1 && refused.length <= 3, `refused ${refused.length} of 5 dialling at once`)
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') assert.match(String(outcome.reason), /no index answered/)
    }
    // the next second they get in
    await new Promise(resolve => setTimeout(resolve, 1_100))
    assert.equal((await refused[0].services.arkshare.search('x')).failures.length, 0)
  })
})
