// NAT benchmark (npm run bench:nat): a book over each path a download can take across the NAT lab
// (scripts/nat-lab/), every path in the same run, CLI processes in network namespaces:
//   direct TCP   two public peers (the baseline)
//   UPnP         a public downloader, a provider behind a router that forwards its port
//   reversal     a public downloader, a provider behind a symmetric NAT that dials it back (DCUtR)
//   WebRTC       two peers behind NATs, hole-punched (ICE through the index's STUN)
//   relay        two peers behind symmetric NATs: a small book over the index's relay (the fallback)
// Per path: time to first byte (`get` sent to the manifest verified, by a downloader just started:
// finding the provider, reaching it and its manifest), MiB/s (manifest to done),
// the ratio to direct TCP, and CPU per MiB for the downloader and the provider. Prints a table,
// then one JSON line. Needs root and the lab's packages (see README, Test).
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { NatLab } from '../scripts/nat-lab/lab.js'
import { labUnavailable } from '../scripts/nat-lab/namespaces.js'
import { reachabilityOf, startLabIndex, startLabPeer, until, type LabPeer } from '../scripts/nat-lab/arkshare-in-lab.js'
import { routerWan } from '../scripts/nat-lab/addresses.js'
import { cpuMs } from '../scripts/process-stats.js'
import { stopCli } from '../scripts/cli-process.js'

const MiB = 1024 * 1024

interface Path { name: string, downloader: string, provider: string, title: string, size: number, kind: string }

interface Measured { path: string, connection: string, ttfbMs: number, mibps: number, downloaderCpuMsPerMiB: number, providerCpuMsPerMiB: number }

async function writeRandom (path: string, bytes: number): Promise<void> {
  const file = await open(path, 'w')
  for (let done = 0; done < bytes; done += 4 * MiB) await file.write(randomBytes(Math.min(4 * MiB, bytes - done)))
  await file.close()
}

function round (n: number, places = 1): number {
  return Math.round(n * 10 ** places) / 10 ** places
}

/** A downloader fresh for each measurement (its key kept), so no connection from before helps it. */
interface Downloaders { start: (host: string) => Promise<LabPeer> }

async function measure (path: Path, id: string, downloaders: Downloaders, provider: LabPeer): Promise<Measured> {
  const downloader = await downloaders.start(path.downloader)
  const cpuBefore = [cpuMs(downloader.proc.child.pid ?? 0), cpuMs(provider.proc.child.pid ?? 0)]
  const sent = performance.now()
  const events = await downloader.run(`get ${String(id)}`, e => e.event === 'done', 600_000)
  const done = events[events.length - 1]
  if (done.event !== 'done') throw new Error(`${path.name}: ${String(done.message ?? done.error)}`)
  const cpuAfter = [cpuMs(downloader.proc.child.pid ?? 0), cpuMs(provider.proc.child.pid ?? 0)]
  const times = downloader.proc.times
  const firstProgress = downloader.proc.events.findIndex(e => e === events.find(ev => ev.event === 'progress'))
  const doneAt = times[downloader.proc.events.indexOf(done)]
  const manifestAt = times[firstProgress]
  const mib = path.size / MiB
  // the next run downloads it again
  await rm(done.path, { force: true })
  await stopCli(downloader.proc)
  return {
    path: path.name,
    connection: done.providers.map((p: any) => p.connection).join('+'),
    ttfbMs: Math.round(manifestAt - sent),
    mibps: round(mib / ((doneAt - manifestAt) / 1000)),
    downloaderCpuMsPerMiB: round((cpuAfter[0] - cpuBefore[0]) / mib),
    providerCpuMsPerMiB: round((cpuAfter[1] - cpuBefore[1]) / mib)
  }
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '64' }, runs: { type: 'string', default: '2' } } })
  const size = Number(values.size) * MiB
  const runs = Math.max(1, Number(values.runs))
  const unavailable = await labUnavailable()
  if (unavailable != null) throw new Error(`the NAT lab cannot run here: ${unavailable}`)
  const dir = await mkdtemp(join(tmpdir(), 'arkshare-bench-nat-'))
  const lab = await NatLab.create({
    publicHosts: ['index', 'pubA', 'pubB'],
    homes: [
      { name: 'u', mode: 'port-preserving', upnp: true, hosts: ['uma'] },
      { name: 's', mode: 'symmetric', hosts: ['sam'] },
      { name: 'a', mode: 'port-preserving', hosts: ['alice'] },
      { name: 'b', mode: 'port-preserving', hosts: ['bob'] },
      { name: 't', mode: 'symmetric', hosts: ['sue'] }
    ]
  })
  try {
    // the relay fallback carries at most half of what a relayed connection may (2 MiB at the reference index)
    const small = 900 * 1024
    const paths: Path[] = [
      { name: 'direct TCP', downloader: 'pubB', provider: 'pubA', title: 'Public Book', size, kind: 'direct' },
      { name: 'UPnP', downloader: 'pubB', provider: 'uma', title: 'Forwarded Book', size, kind: 'direct' },
      { name: 'reversal', downloader: 'pubB', provider: 'sam', title: 'Reversed Book', size, kind: 'hole-punched' },
      { name: 'WebRTC', downloader: 'bob', provider: 'alice', title: 'Punched Book', size, kind: 'hole-punched' },
      { name: 'relay (small book)', downloader: 'sue', provider: 'sam', title: 'Relayed Pamphlet', size: small, kind: 'relayed' }
    ]
    process.stderr.write(`writing ${paths.length} books ...\n`)
    for (const path of paths) {
      await mkdir(join(dir, `${path.provider}-books`), { recursive: true })
      await writeRandom(join(dir, `${path.provider}-books`, `Anonymous - ${path.title}.txt`), path.size)
    }
    const index = await startLabIndex(lab, 'index', dir)
    const peers: Record<string, LabPeer> = {}
    for (const host of ['pubA', 'pubB', 'uma', 'sam', 'alice', 'bob', 'sue']) {
      const shares = paths.some(p => p.provider === host) ? join(dir, `${host}-books`) : undefined
      peers[host] = await startLabPeer(lab, host, index, dir, { share: shares })
    }
    process.stderr.write('waiting for every peer to know how it can be reached ...\n')
    const expected: Record<string, string> = { pubA: 'public', pubB: 'public', uma: 'upnp', sam: 'relay-only', alice: 'hole-punching', bob: 'hole-punching', sue: 'relay-only' }
    await until(async () => {
      const seen = await Promise.all(Object.entries(expected).map(async ([host, want]) => (await reachabilityOf(peers[host])).reachability === want))
      return seen.every(Boolean) ? true : undefined
    }, 60_000, 'every peer\'s reachability')
    // the index lists uma at its mapped address once identify-push told it
    if (paths.some(p => p.provider === 'uma')) {
      await until(async () => {
        const found = (await peers.pubA.run('search forwarded book', e => e.event === 'searched')).find(e => e.title === 'Forwarded Book')
        return String(found?.providers[0]?.multiaddrs[0]).startsWith(`/ip4/${routerWan(1)}/`) ? true : undefined
      }, 30_000, 'the UPnP mapping in the index')
    }

    const ids = await Promise.all(paths.map(async path => await until(async () => {
      const found = (await peers.pubA.run(`search ${path.title}`, e => e.event === 'searched')).find(e => e.title === path.title)
      return found?.id as string | undefined
    }, 30_000, `${path.title} listed`)))
    // the downloaders start over for each measurement; a public one waits to be confirmed public
    // (reversal needs the provider to dial it back)
    for (const host of new Set(paths.map(p => p.downloader))) await stopCli(peers[host].proc)
    const downloaders: Downloaders = {
      start: async (host) => {
        const peer = await startLabPeer(lab, host, index, dir)
        await until(async () => (await reachabilityOf(peer)).reachability === expected[host] || !expected[host].startsWith('public') ? true : undefined, 30_000, `${host} confirmed ${expected[host]}`)
        return peer
      }
    }
    const results: Measured[][] = []
    for (let run = 0; run < runs; run++) {
      const row: Measured[] = []
      for (const [i, path] of paths.entries()) {
        process.stderr.write(`run ${run + 1}: ${path.name} ...\n`)
        const m = await measure(path, ids[i], downloaders, peers[path.provider])
        if (m.connection !== path.kind) process.stderr.write(`  (went ${m.connection}, not ${path.kind})\n`)
        row.push(m)
      }
      results.push(row)
    }
    // per path, the median of the runs; each run's ratio is to direct TCP in that same run
    const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]
    const table = paths.map((path, i) => {
      const runsOf = results.map(r => r[i])
      const ratios = results.map(r => r[i].mibps / r[0].mibps)
      return {
        path: path.name,
        connection: runsOf[0].connection,
        ttfbMs: median(runsOf.map(m => m.ttfbMs)),
        mibps: median(runsOf.map(m => m.mibps)),
        ratio: round(median(ratios), 2),
        ratioRange: [round(Math.min(...ratios), 2), round(Math.max(...ratios), 2)],
        downloaderCpuMsPerMiB: median(runsOf.map(m => m.downloaderCpuMsPerMiB)),
        providerCpuMsPerMiB: median(runsOf.map(m => m.providerCpuMsPerMiB))
      }
    })
    process.stdout.write(`\nmedian of ${runs} run(s); × direct TCP: each run against direct TCP in the same run (median, range)\n`)
    process.stdout.write('| path | connection | time to first byte | MiB/s | × direct TCP | CPU ms/MiB downloader | CPU ms/MiB provider |\n|---|---|---|---|---|---|---|\n')
    for (const m of table) {
      process.stdout.write(`| ${m.path} | ${m.connection} | ${m.ttfbMs} ms | ${m.mibps} | ${m.ratio} (${m.ratioRange.join('–')}) | ${m.downloaderCpuMsPerMiB} | ${m.providerCpuMsPerMiB} |\n`)
    }
    process.stdout.write(`${JSON.stringify({ machine: { cpus: cpus().length, node: process.version }, sizeMiB: size / MiB, smallBookKiB: small / 1024, runs, paths: table, all: results })}\n`)
  } finally {
    await lab.destroy()
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  process.stderr.write(`bench:nat failed: ${(err as Error).message}\n`)
  process.exit(1)
})
