// The NAT lab: an "internet" (a bridge in a namespace of its own), homes behind routers doing
// nftables masquerade (router.ts), hosts in each home and public hosts on the internet, every one a
// network namespace this module makes and removes. Veth pairs are created directly inside the
// namespaces (never in the host's), and no route leads out: nothing a test runs here can reach
// anything but the lab. Processes run in a host with `ip netns exec`; `destroy()` stops them and
// removes everything, and so does the process's exit if a test run is cut short.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startCli, stopCli, type CliProcess, type StartCliOptions } from '../cli-process.js'
import { homeHostAddress, homeLan, publicAddress, RESOLVER, routerLan, routerWan } from './addresses.js'
import { inNamespace, ipBatch, namespaceName, NETNS_ETC, removeNamespacesSync, removeStaleNamespaces } from './namespaces.js'
import { miniupnpdConfig, routerRuleset, TABLE, type NatMode } from './router.js'

export interface HomeSpec {
  name: string
  mode: NatMode
  /** Run miniupnpd on the router. */
  upnp?: boolean
  hosts: string[]
}

export interface LabSpec {
  homes: HomeSpec[]
  publicHosts: string[]
}

export interface LabHost {
  name: string
  namespace: string
  address: string
  /** The home it is in; none for a public host. */
  home?: string
}

/** probe.ts, run compiled (dist/) or through tsx (tests run the sources). */
const PROBE = import.meta.url.includes('/dist/')
  ? [fileURLToPath(new URL('./probe.js', import.meta.url))]
  : ['--import', 'tsx', fileURLToPath(new URL('./probe.ts', import.meta.url))]

/** A line-reading child process in the lab. */
export interface LabProcess {
  child: ChildProcess
  lines: string[]
  /** Resolves with the first line (so far or to come) that matches. */
  line: (match: RegExp, timeoutMs?: number) => Promise<string>
  exited: Promise<number | null>
}

function watchLines (child: ChildProcess): LabProcess {
  const lines: string[] = []
  const waiters: Array<{ match: RegExp, resolve: (line: string) => void }> = []
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line)
    for (const w of [...waiters]) if (w.match.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line) }
  })
  const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
  return {
    child,
    lines,
    exited,
    line: async (match, timeoutMs = 10_000) => {
      const found = lines.find(l => match.test(l))
      if (found != null) return found
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`no line matching ${String(match)}; stderr: ${stderr}`)) }, timeoutMs)
        waiters.push({ match, resolve: (line) => { clearTimeout(timer); resolve(line) } })
      })
    }
  }
}

/**
 * Waits until every link of a namespace has carrier: Node lists only the interfaces that are up
 * and running, so a process started on a link still coming up would not see its own address.
 */
async function linksUp (namespace: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const links = await inNamespace(namespace, 'ip', ['-o', 'link', 'show'])
    if (!/NO-CARRIER|state DOWN|LOWERLAYERDOWN/.test(links)) return
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  throw new Error(`the links of ${namespace} did not come up`)
}

export class NatLab {
  private readonly hosts = new Map<string, LabHost>()
  private readonly homes = new Map<string, { index: number, router: string }>()
  private readonly namespaces: string[] = []
  private readonly children = new Set<ChildProcess>()
  private readonly clis = new Set<CliProcess>()
  private dnsTrap?: LabProcess
  private destroyed = false
  /** Files of the lab's daemons (miniupnpd's configuration and pid file). */
  private readonly files = mkdtempSync(join(tmpdir(), `arklab-${process.pid}-`))

  private constructor () {
    this.destroySync = this.destroySync.bind(this)
    // a run cut short (an uncaught error, process.exit) still leaves nothing behind
    process.once('exit', this.destroySync)
  }

  /** Builds the lab (removing what crashed runs left first); on failure nothing of it is left. */
  static async create (spec: LabSpec): Promise<NatLab> {
    await removeStaleNamespaces()
    const lab = new NatLab()
    try {
      await lab.build(spec)
      return lab
    } catch (err) {
      await lab.destroy()
      throw err
    }
  }

  host (name: string): LabHost {
    const host = this.hosts.get(name)
    if (host == null) throw new Error(`no host ${name} in the lab`)
    return host
  }

  address (name: string): string {
    return this.host(name).address
  }

  /** The router of a home's namespace (for nft and conntrack). */
  router (home: string): string {
    const found = this.homes.get(home)
    if (found == null) throw new Error(`no home ${home} in the lab`)
    return found.router
  }

  /** Names looked up by anything in the lab so far (the lab's resolver answers none). */
  get dnsQueries (): string[] {
    return (this.dnsTrap?.lines ?? []).filter(l => l.startsWith('query ')).map(l => l.slice(6))
  }

  /** Packets from a home to an address outside the lab, as its router counted them. */
  async outsidePackets (home: string): Promise<number> {
    const out = await inNamespace(this.router(home), 'nft', ['list', 'counter', 'inet', TABLE, 'outside'])
    return Number(/packets (\d+)/.exec(out)?.[1] ?? NaN)
  }

  /** A chain of a home router's nftables table, as `nft list chain` prints it (miniupnpd adds its forwards to `prerouting_miniupnpd`). */
  async routerChain (home: string, chain: string): Promise<string> {
    return await inNamespace(this.router(home), 'nft', ['list', 'chain', 'inet', TABLE, chain])
  }

  /** The addresses outside the lab something in a home sent packets to. */
  async outsideAddresses (home: string): Promise<string[]> {
    const out = await inNamespace(this.router(home), 'nft', ['list', 'set', 'inet', TABLE, 'outside_addresses'])
    return /elements = \{([^}]*)\}/.exec(out)?.[1].split(',').map(a => a.trim()).filter(a => a !== '') ?? []
  }

  async exec (host: string, command: string, args: string[]): Promise<string> {
    return await inNamespace(this.host(host).namespace, command, args)
  }

  /** A process in a host (or a router's namespace), stopped by destroy(). */
  spawn (namespace: string, command: string, args: string[]): LabProcess {
    const child = spawn('ip', ['netns', 'exec', namespace, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.children.add(child)
    child.once('exit', () => this.children.delete(child))
    return watchLines(child)
  }

  /** One of probe.ts's probes, in a host. */
  probe (host: string, args: string[]): LabProcess {
    return this.spawn(this.host(host).namespace, process.execPath, [...PROBE, ...args])
  }

  /** The arkshare CLI in a host, stopped by destroy(). */
  cli (host: string, args: string[], options: Omit<StartCliOptions, 'wrap'> = {}): CliProcess {
    const proc = startCli(args, { ...options, wrap: ['ip', 'netns', 'exec', this.host(host).namespace] })
    this.clis.add(proc)
    void proc.exited.then(() => this.clis.delete(proc))
    return proc
  }

  /** Stops every process and removes every namespace of the lab. */
  async destroy (): Promise<void> {
    if (this.destroyed) return
    await Promise.all([...this.clis].map(async proc => { await stopCli(proc, 3_000) }))
    await Promise.all([...this.children].map(async child => {
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
      await exited
      clearTimeout(timer)
    }))
    this.destroySync()
  }

  private destroySync (): void {
    if (this.destroyed) return
    this.destroyed = true
    process.removeListener('exit', this.destroySync)
    for (const proc of this.clis) proc.child.kill('SIGKILL')
    for (const child of this.children) child.kill('SIGKILL')
    removeNamespacesSync(this.namespaces)
    rmSync(this.files, { recursive: true, force: true })
  }

  private async addNamespaces (names: string[]): Promise<void> {
    const namespaces = names.map(name => namespaceName(name))
    this.namespaces.push(...namespaces)
    await ipBatch(namespaces.map(ns => `netns add ${ns}`))
    for (const ns of namespaces) {
      // `ip netns exec` mounts these over /etc: every lookup goes to the lab's resolver (the trap)
      mkdirSync(`${NETNS_ETC}/${ns}`, { recursive: true })
      // one quick try: nothing answers there, and a lookup should fail fast, as with no network
      writeFileSync(`${NETNS_ETC}/${ns}/resolv.conf`, `nameserver ${RESOLVER}\noptions timeout:1 attempts:1\n`)
    }
    // IPv6 off: the lab is an IPv4 internet, and link-local v6 addresses only add noise
    await Promise.all(namespaces.map(async ns => {
      await inNamespace(ns, 'sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'])
    }))
  }

  private async build (spec: LabSpec): Promise<void> {
    const inet = namespaceName('inet')
    const hostNames = [...spec.publicHosts, ...spec.homes.flatMap(h => h.hosts)]
    if (new Set(hostNames).size !== hostNames.length) throw new Error('lab host names must be unique')
    await this.addNamespaces(['inet', ...spec.homes.map(h => `${h.name}-router`), ...hostNames])
    // veth pairs are made from the host's namespace straight into two lab namespaces; each
    // namespace is then set up by one `ip -n NS -batch` of its own
    const links: string[] = []
    const setup = new Map<string, string[]>()
    const inside = (ns: string, ...lines: string[]): void => { setup.set(ns, [...(setup.get(ns) ?? ['link set lo up']), ...lines]) }
    inside(inet, 'link add br0 type bridge', `addr add ${RESOLVER}/24 dev br0`, 'link set br0 up')
    spec.publicHosts.forEach((name, i) => {
      const ns = namespaceName(name)
      const address = publicAddress(i)
      this.hosts.set(name, { name, namespace: ns, address })
      links.push(`link add eth0 netns ${ns} type veth peer name p${i} netns ${inet}`)
      inside(inet, `link set p${i} master br0`, `link set p${i} up`)
      inside(ns, `addr add ${address}/24 dev eth0`, 'link set eth0 up')
    })
    spec.homes.forEach((home, h) => {
      const index = h + 1
      const router = namespaceName(`${home.name}-router`)
      this.homes.set(home.name, { index, router })
      links.push(`link add wan0 netns ${router} type veth peer name r${index} netns ${inet}`)
      inside(inet, `link set r${index} master br0`, `link set r${index} up`)
      inside(router, `addr add ${routerWan(index)}/24 dev wan0`, 'link set wan0 up',
        'link add lan0 type bridge', `addr add ${routerLan(index)}/24 dev lan0`, 'link set lan0 up')
      home.hosts.forEach((name, i) => {
        const ns = namespaceName(name)
        const address = homeHostAddress(index, i)
        this.hosts.set(name, { name, namespace: ns, address, home: home.name })
        links.push(`link add eth0 netns ${ns} type veth peer name h${i} netns ${router}`)
        inside(router, `link set h${i} master lan0`, `link set h${i} up`)
        inside(ns, `addr add ${address}/24 dev eth0`, 'link set eth0 up', `route add default via ${routerLan(index)}`)
      })
    })
    await ipBatch(links)
    await Promise.all([...setup].map(async ([ns, lines]) => { await ipBatch(lines, ns) }))
    await Promise.all([...setup.keys()].map(async ns => { await linksUp(ns) }))
    await Promise.all(spec.homes.map(async (home, h) => { await this.configureRouter(home, h + 1) }))
    this.dnsTrap = this.spawn(inet, process.execPath, [...PROBE, 'dns-trap', RESOLVER])
    await this.dnsTrap.line(/^ready$/)
  }

  private async configureRouter (home: HomeSpec, index: number): Promise<void> {
    const router = namespaceName(`${home.name}-router`)
    await inNamespace(router, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1'])
    await inNamespace(router, 'nft', ['-f', '-'], routerRuleset(home.mode))
    if (home.upnp !== true) return
    const config = join(this.files, `${home.name}-miniupnpd.conf`)
    writeFileSync(config, miniupnpdConfig(homeLan(index), randomUUID()))
    const daemon = this.spawn(router, 'miniupnpd', ['-d', '-f', config, '-P', join(this.files, `${home.name}-miniupnpd.pid`)])
    // miniupnpd logs to stderr in the foreground: wait until it serves HTTP (then SSDP is up too)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error('miniupnpd did not start')) }, 5_000)
      daemon.child.stderr?.on('data', (d: Buffer) => { if (d.toString().includes('HTTP listening')) { clearTimeout(timer); resolve() } })
      void daemon.exited.then(code => { clearTimeout(timer); reject(new Error(`miniupnpd exited (${code})`)) })
    })
  }
}
