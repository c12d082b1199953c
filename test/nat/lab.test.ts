// The NAT lab itself: its routers behave like the home routers they stand for (the mapping each
// mode gives, nothing let in unasked, UPnP where asked), nothing leaves the lab, and it leaves
// nothing behind, even after a crashed run.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { routerWan } from '../../scripts/nat-lab/addresses.js'
import { NatLab } from '../../scripts/nat-lab/lab.js'
import { listNamespaces, namespaceName, PREFIX } from '../../scripts/nat-lab/namespaces.js'
import { requireLab, useLab } from '../support/nat-lab/use-lab.js'

describe('NAT lab', function () {
  this.timeout(30_000)
  const env = useLab({
    publicHosts: ['server'],
    homes: [
      { name: 'plain', mode: 'port-preserving', upnp: true, hosts: ['alice', 'alice2'] },
      { name: 'sym', mode: 'symmetric', hosts: ['bob'] },
      { name: 'pinned', mode: 'persistent', hosts: ['carol'] }
    ]
  })

  /** The source address and port a public echo server sees on two of its ports, from one socket. */
  async function mapping (host: string): Promise<{ local: number, seen: string[] }> {
    return JSON.parse(await env.lab.probe(host, ['udp-map', env.lab.address('server'), '7000', '7001']).line(/^\{/))
  }

  it('maps UDP as each kind of router does', async () => {
    await env.lab.probe('server', ['udp-echo', '7000', '7001']).line(/^ready$/)
    const [plain, sym, pinned] = await Promise.all([mapping('alice'), mapping('bob'), mapping('carol')])
    assert.deepEqual(plain.seen, [`${routerWan(1)}:${plain.local}`, `${routerWan(1)}:${plain.local}`], 'port-preserving: one mapping, on the local port')
    assert.deepEqual(pinned.seen, [`${routerWan(3)}:${pinned.local}`, `${routerWan(3)}:${pinned.local}`], 'persistent: one mapping')
    assert.ok(sym.seen.every(s => s.startsWith(`${routerWan(2)}:`)), 'symmetric: from the router\'s address')
    assert.notEqual(sym.seen[0], sym.seen[1], 'symmetric: a new port for each destination')
  })

  it('lets connections out, answers back in, and nothing else in', async () => {
    await env.lab.probe('server', ['tcp-listen', '7100']).line(/^ready$/)
    assert.equal(await env.lab.probe('alice', ['tcp-connect', env.lab.address('server'), '7100']).line(/^(connected|failed)/), 'connected')
    await env.lab.probe('alice', ['tcp-listen', '7101']).line(/^ready$/)
    const attempt = async (from: string, to: string): Promise<string> => await env.lab.probe(from, ['tcp-connect', to, '7101']).line(/^(connected|failed)/)
    assert.deepEqual(await Promise.all([
      // the router's address at the port alice listens on: no forward, so the SYN is dropped
      attempt('server', routerWan(1)),
      // from another home, the same
      attempt('bob', routerWan(1)),
      // on the home network itself, directly
      attempt('alice2', env.lab.address('alice'))
    ]), ['failed timeout', 'failed timeout', 'connected'])
  })

  it('runs a UPnP gateway on the router that was given one, and only there', async () => {
    const found = await env.lab.probe('alice', ['ssdp']).line(/^gateway /)
    assert.match(found, /^gateway http:\/\/10\.1\.0\.1:\d+\//)
    const elsewhere = env.lab.probe('bob', ['ssdp'])
    await elsewhere.exited
    assert.deepEqual(elsewhere.lines.filter(l => l.startsWith('gateway')), [])
  })

  it('keeps every packet inside: no route out, lookups go to the lab\'s trap, routers count strays', async () => {
    for (const home of ['plain', 'sym', 'pinned']) {
      assert.doesNotMatch(execFileSync('ip', ['-n', env.lab.router(home), 'route'], { encoding: 'utf8' }), /default/)
    }
    assert.doesNotMatch(await env.lab.exec('server', 'ip', ['route']), /default/)
    const before = await env.lab.outsidePackets('plain')
    // a connection to an address outside the lab: counted at the router, and dropped there (no route)
    assert.match(await env.lab.probe('alice', ['tcp-connect', '8.8.8.8', '53']).line(/^(connected|failed)/), /^failed E(NET|HOST)UNREACH$/)
    assert.ok(await env.lab.outsidePackets('plain') > before)
    await env.lab.exec('alice', 'getent', ['hosts', 'stun.example.org']).catch(() => {})
    assert.ok(env.lab.dnsQueries.includes('stun.example.org'), `the lookup reached the lab's resolver: ${env.lab.dnsQueries.join(', ')}`)
  })
})

describe('NAT lab lifecycle', function () {
  this.timeout(30_000)
  before(async function () { await requireLab(this) })

  it('removes its namespaces when destroyed, and what a crashed run left when created', async () => {
    // a run whose process is gone (pid 2^22 + 1 is above Linux's pid limit: never alive)
    const crashed = namespaceName('inet', 4_194_305)
    execFileSync('ip', ['netns', 'add', crashed])
    const lab = await NatLab.create({ publicHosts: ['a'], homes: [{ name: 'home', mode: 'port-preserving', hosts: ['b'] }] })
    const during = await listNamespaces()
    assert.ok(!during.includes(crashed), 'the crashed run\'s namespace is gone')
    assert.ok(during.includes(namespaceName('b')))
    await lab.destroy()
    assert.deepEqual((await listNamespaces()).filter(n => n.startsWith(`${PREFIX}${process.pid}-`)), [])
  })

  it('leaves nothing behind when it fails half-built', async () => {
    // the second home's name is no namespace name: building fails after the first namespaces exist
    await assert.rejects(NatLab.create({ publicHosts: ['a'], homes: [{ name: 'home', mode: 'port-preserving', hosts: ['b', 'no/such'] }] }), /Invalid netns name/)
    assert.deepEqual((await listNamespaces()).filter(n => n.startsWith(`${PREFIX}${process.pid}-`)), [])
  })
})
