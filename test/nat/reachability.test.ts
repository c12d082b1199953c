// Peers find out and fix their reachability, across real NATs: AutoNAT confirms a public peer,
// UPnP maps a port on the router that offers it, the index's STUN responder tells a port-keeping
// NAT from a symmetric one, and a peer behind a NAT holds a relay reservation on its index and
// registers its relay and WebRTC addresses. WebRTC asks no STUN server but the index's.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { bookBytes, removeDir, tempDir, writeBook } from '../helpers.js'
import { routerWan } from '../../scripts/nat-lab/addresses.js'
import { stopCli } from '../../scripts/cli-process.js'
import { reachabilityOf, startLabIndex, startLabPeer, until, type LabIndex, type LabPeer } from '../../scripts/nat-lab/arkshare-in-lab.js'
import { useLab } from '../support/nat-lab/use-lab.js'

describe('reachability across NATs', function () {
  this.timeout(60_000)
  const env = useLab({
    publicHosts: ['index', 'pub'],
    homes: [
      { name: 'plain', mode: 'port-preserving', hosts: ['alice', 'eve'] },
      { name: 'plain2', mode: 'persistent', hosts: ['bob'] },
      { name: 'sym', mode: 'symmetric', hosts: ['sam'] },
      { name: 'upnp', mode: 'port-preserving', upnp: true, hosts: ['uma'] }
    ]
  })
  let dir: string
  let index: LabIndex
  const peers: Record<string, LabPeer> = {}

  before(async function () {
    if (env.lab == null) this.skip()
    dir = await tempDir('arkshare-nat-')
    index = await startLabIndex(env.lab, 'index', dir)
    await Promise.all(['pub', 'alice', 'bob', 'sam', 'uma'].map(async (host, i) => {
      const shelf = join(dir, `${host}-books`)
      await writeBook(shelf, `Author ${host} - Book of ${host}.txt`, bookBytes(100 + i, 200_000))
      peers[host] = await startLabPeer(env.lab, host, index, dir, { share: shelf })
    }))
  })

  after(async () => {
    await removeDir(dir)
  })

  it('finds out how each peer can be reached', async () => {
    const expected: Record<string, string> = { pub: 'public', alice: 'hole-punching', bob: 'hole-punching', sam: 'relay-only', uma: 'upnp' }
    const seen: Record<string, Record<string, any>> = {}
    await until(async () => {
      for (const host of Object.keys(expected)) seen[host] = await reachabilityOf(peers[host])
      return Object.keys(expected).every(host => seen[host].reachability === expected[host]) ? true : undefined
    }, 30_000, `reachabilities ${JSON.stringify(expected)}`).catch((err) => {
      throw new Error(`${(err as Error).message}; saw ${JSON.stringify(Object.fromEntries(Object.entries(seen).map(([h, s]) => [h, s.reachability])))}`)
    })
    assert.equal(seen.sam.nat, 'symmetric')
    assert.equal(seen.alice.nat, 'endpoint-independent')
    assert.deepEqual(seen.pub.publicAddresses.map((a: string) => a.split('/tcp/')[0]), [`/ip4/${env.lab.address('pub')}`])
    // the UPnP mapping: the router's public address, forwarded to uma
    assert.ok(seen.uma.publicAddresses.some((a: string) => a.startsWith(`/ip4/${routerWan(4)}/tcp/`)), JSON.stringify(seen.uma))
  })

  it('lists a NAT peer with its WebRTC and relay addresses, a reachable one with its direct address first', async () => {
    const providers = async (): Promise<Record<string, string[]>> => {
      const found: Record<string, string[]> = {}
      for (const host of ['alice', 'sam', 'uma', 'pub']) {
        const events = await peers.bob.run(`search book of ${host}`, e => e.event === 'searched')
        found[host] = events.find(e => e.title != null)?.providers[0]?.multiaddrs ?? []
      }
      return found
    }
    const listed = await until(async () => {
      const found = await providers()
      return /\/p2p-circuit\/webrtc$/.test(found.alice[0] ?? '') && found.uma[0]?.startsWith(`/ip4/${routerWan(4)}/`) && found.pub[0]?.startsWith(`/ip4/${env.lab.address('pub')}/`)
        ? found
        : undefined
    }, 20_000, 'the index to list every peer\'s best address first')
    const relayed = `/ip4/${env.lab.address('index')}/tcp/4001/p2p/`
    assert.ok(listed.alice.some(a => a.startsWith(relayed) && a.endsWith('/p2p-circuit')), 'alice\'s relay address')
    assert.ok(listed.sam.some(a => a.startsWith(relayed)), 'sam (symmetric NAT) is reachable through the relay')
    assert.ok(listed.alice.every(a => !a.includes('/127.0.0.1/')), 'no loopback address is listed for a peer on another machine')
    const status = await reachabilityOf(peers.alice)
    assert.equal(status.relays.length, 1, 'alice holds a reservation on the index')
  })

  it('gives a relay slot to a registered peer, none to a peer without a registration', async () => {
    assert.equal((await reachabilityOf(peers.alice)).relays.length, 1)
    const attempt = env.lab.probe('eve', ['relay-reserve', index.addr])
    assert.match(await attempt.line(/^(reserved|refused)/, 20_000), /^refused .*PERMISSION_DENIED|^refused .*reservation failed/)
  })

  it('connects two NAT peers directly over WebRTC, asking no STUN server but the index\'s', async () => {
    const id = (await peers.bob.run('search book of alice', e => e.event === 'searched')).find(e => e.title != null)?.id
    const done = await peers.bob.run(`get ${String(id)}`, e => e.event === 'done')
    assert.equal(done[done.length - 1].event, 'done', JSON.stringify(done[done.length - 1]))
    const connections = await peers.bob.run('peers', e => e.event === 'peers')
    const toAlice = connections.filter(e => e.peerId === peers.alice.peerId)
    assert.ok(toAlice.some(e => e.connection === 'hole-punched' && String(e.addresses[0]).includes('/webrtc')), JSON.stringify(toAlice))
    // nothing looked up a STUN server's name (the library's defaults are names), nothing left the lab
    assert.deepEqual(env.lab.dnsQueries, [])
    for (const home of ['plain', 'plain2', 'sym', 'upnp']) assert.deepEqual(await env.lab.outsideAddresses(home), [], `packets left ${home}`)
  })

  it('removes its UPnP port forward when it stops', async () => {
    const forwards = async (): Promise<string> => await env.lab.routerChain('upnp', 'prerouting_miniupnpd')
    assert.match(await forwards(), /dnat/, 'a forward to uma while it runs')
    await stopCli(peers.uma.proc)
    assert.doesNotMatch(await forwards(), /dnat/)
  })
})
