// Downloads across real NATs, every one verified byte for byte: NAT to NAT over WebRTC, through a
// UPnP port forward, public to NAT by reversal, a small book over the relay when no direct path
// exists, and a large one between two symmetric NATs refused with one line saying why. The
// index's relay carries no more than its limit on any connection, and counts it.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookBytes, removeDir, tempDir, writeBook } from '../helpers.js'
import { routerWan } from '../../scripts/nat-lab/addresses.js'
import { reachabilityOf, startLabIndex, startLabPeer, until, type LabIndex, type LabPeer } from '../../scripts/nat-lab/arkshare-in-lab.js'
import { useLab } from '../support/nat-lab/use-lab.js'

const MiB = 1024 * 1024
/** The reference index's limit per relayed connection (index-node/constants.ts). */
const RELAY_CIRCUIT_DATA_BYTES = 2 * MiB

describe('downloads across NATs', function () {
  this.timeout(60_000)
  const env = useLab({
    publicHosts: ['index', 'pub'],
    homes: [
      { name: 'a', mode: 'port-preserving', hosts: ['alice'] },
      { name: 'b', mode: 'persistent', hosts: ['bob'] },
      { name: 'u', mode: 'port-preserving', upnp: true, hosts: ['uma'] },
      { name: 's', mode: 'symmetric', hosts: ['sam'] },
      { name: 't', mode: 'symmetric', hosts: ['sue'] }
    ]
  })
  let dir: string
  let index: LabIndex
  const peers: Record<string, LabPeer> = {}
  const books: Record<string, { id: string, bytes: Buffer }> = {}

  /** The book's ID as `who` finds it by searching. */
  async function find (who: LabPeer, title: string): Promise<string> {
    return await until(async () => (await who.run(`search ${title}`, e => e.event === 'searched')).find(e => e.title === title)?.id, 20_000, `${title} in the index`)
  }

  /** `who` downloads `title`; the done event (or the error). */
  async function get (who: LabPeer, title: string): Promise<Record<string, any>> {
    const events = await who.run(`get ${await find(who, title)}`, e => e.event === 'done', 45_000)
    return events[events.length - 1]
  }

  async function assertSame (done: Record<string, any>, title: string): Promise<void> {
    assert.equal(done.event, 'done', JSON.stringify(done))
    assert.ok((await readFile(done.path)).equals(books[title].bytes), `${title} arrived byte for byte`)
  }

  before(async function () {
    if (env.lab == null) this.skip()
    dir = await tempDir('arkshare-nat-')
    index = await startLabIndex(env.lab, 'index', dir)
    const shelves: Record<string, Array<[string, number]>> = {
      alice: [['Alices Book', 2 * MiB]],
      uma: [['Umas Book', 2 * MiB]],
      sam: [['Sams Pamphlet', 600_000], ['Sams Tome', 3 * MiB], ['Sams Other Tome', 3 * MiB]]
    }
    await Promise.all(['pub', 'alice', 'bob', 'uma', 'sam', 'sue'].map(async (host, i) => {
      const shelf = shelves[host]
      if (shelf != null) {
        for (const [title, size] of shelf) {
          books[title] = { id: '', bytes: bookBytes(1000 + title.length + size, size) }
          await writeBook(join(dir, `${host}-books`), `Anonymous - ${title}.txt`, books[title].bytes)
        }
      }
      peers[host] = await startLabPeer(env.lab, host, index, dir, { share: shelf != null ? join(dir, `${host}-books`) : undefined })
    }))
    // each peer knows how it can be reached (and told the index) before the downloads start
    const expected: Record<string, string> = { pub: 'public', alice: 'hole-punching', bob: 'hole-punching', uma: 'upnp', sam: 'relay-only', sue: 'relay-only' }
    await until(async () => {
      const seen = await Promise.all(Object.keys(expected).map(async host => (await reachabilityOf(peers[host])).reachability))
      return seen.every((r, i) => r === Object.values(expected)[i]) ? true : undefined
    }, 30_000, 'every peer\'s reachability')
  })

  after(async () => {
    await removeDir(dir)
  })

  it('downloads NAT to NAT directly, hole-punched over WebRTC', async () => {
    const done = await get(peers.bob, 'Alices Book')
    await assertSame(done, 'Alices Book')
    assert.deepEqual(done.providers.map((p: any) => [p.peerId, p.connection, p.bytes]), [[peers.alice.peerId, 'hole-punched', 2 * MiB]])
    const connection = (await peers.bob.run('peers', e => e.event === 'peers')).find(e => e.peerId === peers.alice.peerId && e.connection === 'hole-punched')
    assert.match(String(connection?.addresses[0]), /\/webrtc/)
  })

  it('downloads directly through a UPnP port forward', async () => {
    // the mapping shows a few seconds after uma started (the router is asked once the search for
    // it ends); the index lists it once identify-push tells it: watched from elsewhere, so bob's
    // first contact with uma is the download's
    await until(async () => {
      const search = env.lab.cli('pub', ['search', 'umas', 'book', '--index', index.addr, '--json'], { stdin: 'ignore' })
      const result = await search.waitFor(e => e.title === 'Umas Book', 10_000).catch(() => undefined)
      return String(result?.providers[0]?.multiaddrs[0]).startsWith(`/ip4/${routerWan(3)}/tcp/`) ? true : undefined
    }, 30_000, 'the index to list uma at its UPnP-mapped address')
    const done = await get(peers.bob, 'Umas Book')
    await assertSame(done, 'Umas Book')
    assert.deepEqual(done.providers.map((p: any) => p.connection), ['direct'])
    const connection = (await peers.bob.run('peers', e => e.event === 'peers')).find(e => e.peerId === peers.uma.peerId && e.connection === 'direct')
    assert.ok(String(connection?.addresses[0]).startsWith(`/ip4/${routerWan(3)}/tcp/`), JSON.stringify(connection))
  })

  it('marks a provider behind a symmetric NAT as reachable only by relay', async () => {
    const result = (await peers.sue.run('search sams pamphlet', e => e.event === 'searched')).find(e => e.title === 'Sams Pamphlet')
    assert.deepEqual(result?.providers.map((p: any) => [p.peerId, p.reachability, p.relayOnly]), [[peers.sam.peerId, 'relay-only', true]])
  })

  it('brings a small book over the relay when no direct path exists, verified as always', async () => {
    const done = await get(peers.sue, 'Sams Pamphlet')
    await assertSame(done, 'Sams Pamphlet')
    assert.deepEqual(done.providers.map((p: any) => [p.connection, p.bytes]), [['relayed', 600_000]])
  })

  it('refuses a large book between two symmetric NATs with one line saying why', async () => {
    const failed = await get(peers.sue, 'Sams Tome')
    assert.equal(failed.event, 'failed', JSON.stringify(failed))
    assert.match(failed.error, /provider behind a symmetric NAT; no direct path/)
    assert.match(failed.error, /the book \(3\.0 MiB\) is over the 1\.0 MiB that may come over a relay/)
    assert.doesNotMatch(failed.error, /\n/)
  })

  it('downloads public to NAT by reversal: the provider behind a symmetric NAT dials back', async () => {
    const done = await get(peers.pub, 'Sams Other Tome')
    await assertSame(done, 'Sams Other Tome')
    assert.deepEqual(done.providers.map((p: any) => p.connection), ['hole-punched'])
    const connection = (await peers.pub.run('peers', e => e.event === 'peers')).find(e => e.peerId === peers.sam.peerId && e.connection === 'hole-punched')
    assert.ok(connection != null && !String(connection.addresses[0]).includes('/webrtc'), `a TCP connection from the provider: ${JSON.stringify(connection)}`)
  })

  it('kept every relayed connection under the relay\'s limit, and counted what it carried', async () => {
    const stats = await env.lab.cli('pub', ['stats', '--index', index.addr, '--json']).waitFor(e => e.event === 'stats')
    assert.ok(stats.relayedBytes >= 600_000, `the small book went through the relay: ${JSON.stringify(stats)}`)
    assert.ok(stats.relayLargestCircuitBytes <= RELAY_CIRCUIT_DATA_BYTES, `at most ${RELAY_CIRCUIT_DATA_BYTES} bytes on one relayed connection: ${JSON.stringify(stats)}`)
    assert.ok(stats.relayReservations >= 4, 'the four peers behind NATs hold reservations')
  })
})
