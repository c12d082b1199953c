// Soak test: an index and N peers as separate `arkshare` processes on loopback, each peer searching
// and downloading at random through its shell for --minutes, while peers are SIGKILLed and
// restarted (and one is stopped with SIGTERM and restarted). Every download is checked byte for byte
// against its source file. Reports downloads, verification failures (must be 0), errors by kind,
// and the index's RSS and open file descriptors over time (is there a growth trend?).
//   npm run soak -- [--minutes 10] [--peers 20] [--seed 1] [--dir DIR] [--keep] [--json]
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { bookIdOf } from '../src/content/book-id.js'
import { hashFile } from '../src/content/hash-file.js'
import { startCli, stopCli, type CliProcess } from './cli-process.js'
import { mulberry32 } from './prng.js'
import { CLASSICS, generateShelves } from './sample-books.js'
import { openFds, rssMiB } from './process-stats.js'
import { secondHalfTrend } from './trend.js'

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'
type Event = Record<string, any>

interface Peer {
  name: string
  args: string[]
  proc: CliProcess
  /** Book IDs on its own shelf (it does not download those). */
  own: Set<string>
  alive: boolean
}

interface Report {
  minutes: number
  peers: number
  searches: number
  downloads: number
  bytesDownloaded: number
  verificationFailures: number
  errors: Record<string, number>
  kills: number
  restarts: number
  index: { alive: boolean, rssMiB: Array<[number, number]>, fds: Array<[number, number]>, rssTrendMiBPerMinute: number }
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** An error message as a kind: IDs, peer IDs, paths and numbers taken out, so alike errors count together. */
function kindOf (message: string): string {
  return message
    .replace(/\b(bafk|bafy|baga)[a-z2-7]{20,}\b/g, '<book>')
    .replace(/\b(12D3Koo|Qm)[1-9A-HJ-NP-Za-km-z]{20,}\b/g, '<peer>')
    .replace(/\/ip[46]\/\S+/g, '<addr>')
    .replace(/\b[1-9A-HJ-NP-Za-km-z]{8}:/g, '<peer>:')
    .replace(/(\/[^\s/]+)+\/?/g, '<path>')
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 90)
}

async function sha256 (path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex')
}

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      peers: { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false }
    }
  })
  const minutes = Number(values.minutes)
  const peerCount = Number(values.peers)
  if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error('--minutes must be a number above 0 (at most a day)')
  if (!Number.isInteger(peerCount) || peerCount < 2 || peerCount > 50) throw new Error('--peers must be a whole number from 2 to 50')
  const random = mulberry32(Number(values.seed))
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]
  const dir = values.dir != null ? resolve(values.dir) : await mkdtemp(join(tmpdir(), 'arkshare-soak-'))
  const log = (line: string): void => { process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`) }

  // the books, and the SHA-256 of each source file by book ID: what every download must equal
  log(`generating sample books for ${peerCount} peers in ${dir}`)
  const shelves = await generateShelves(join(dir, 'shelves'), peerCount)
  const sourceHash = new Map<string, string>()
  const shelfIds: Array<Set<string>> = []
  for (const shelf of shelves) {
    const ids = new Set<string>()
    for (const name of await readdir(shelf)) {
      const path = join(shelf, name)
      const id = bookIdOf(await hashFile(path)).toString()
      ids.add(id)
      sourceHash.set(id, await sha256(path))
    }
    shelfIds.push(ids)
  }
  const words = [...new Set(CLASSICS.flatMap(c => c.title.toLowerCase().split(/[^\p{L}]+/u)).filter(w => w.length >= 4))]

  const report: Report = {
    minutes,
    peers: peerCount,
    searches: 0,
    downloads: 0,
    bytesDownloaded: 0,
    verificationFailures: 0,
    errors: {},
    kills: 0,
    restarts: 0,
    index: { alive: true, rssMiB: [], fds: [], rssTrendMiBPerMinute: 0 }
  }
  const error = (kind: string): void => { report.errors[kind] = (report.errors[kind] ?? 0) + 1 }

  const index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json'], { stdin: 'ignore' })
  const indexAddr: string = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
  // set by Ctrl-C and at the deadline; every loop checks it
  const stopping = new AbortController()
  void index.exited.then(() => { if (!stopping.signal.aborted) report.index.alive = false })
  const peers: Peer[] = shelves.map((shelf, i) => {
    const name = `peer-${i + 1}`
    const args = ['node', '--index', indexAddr, '--share', shelf, '--downloads', join(dir, name, 'downloads'), '--data', join(dir, name, 'data'), '--listen', LOOPBACK, '--json']
    return { name, args, proc: startCli(args), own: shelfIds[i], alive: true }
  })
  await Promise.all(peers.map(async p => { await p.proc.waitFor(e => e.event === 'shelf', 60_000) }))
  log(`index ${indexAddr}; ${peerCount} peers up; running ${minutes} min`)

  const started = Date.now()
  const deadline = started + minutes * 60_000
  const sampler = setInterval(() => {
    if (!report.index.alive) return
    const at = Math.round((Date.now() - started) / 1000)
    try {
      report.index.rssMiB.push([at, rssMiB(index.child.pid as number)])
      report.index.fds.push([at, openFds(index.child.pid as number)])
    } catch { /* exited between the check and the read */ }
  }, 5_000)

  /** Sends one shell command and waits for the event that ends it (only events after the send count). */
  const command = async (peer: Peer, line: string, ends: (e: Event) => boolean, timeoutMs: number): Promise<{ end: Event, events: Event[] }> => {
    const proc = peer.proc
    const before = proc.events.length
    proc.send(line)
    const end = await proc.waitFor(e => proc.events.lastIndexOf(e) >= before && ends(e), timeoutMs)
    return { end, events: proc.events.slice(before, proc.events.lastIndexOf(end)) }
  }

  const workload = async (peer: Peer): Promise<void> => {
    while (Date.now() < deadline && !stopping.signal.aborted) {
      if (!peer.alive) { await sleep(500); continue }
      const proc = peer.proc
      try {
        const { end, events } = await command(peer, `search ${pick(words)}`, e => e.event === 'searched' || e.event === 'error', 30_000)
        if (end.event === 'error') { error(`search: ${kindOf(end.message)}`); continue }
        report.searches++
        const wanted = events.filter(e => e.event == null && typeof e.id === 'string' && !peer.own.has(e.id) && e.providers?.length > 0)
        if (wanted.length === 0) continue
        const target = pick(wanted)
        // the shell queues the download and returns; the node reports when it is saved or failed
        const got = await command(peer, `get ${target.id as string}`, e => ((e.event === 'done' || e.event === 'failed') && e.id === target.id) || e.event === 'error', 180_000)
        if (got.end.event !== 'done') { error(`get: ${kindOf(got.end.message ?? got.end.error)}`); continue }
        const expected = sourceHash.get(target.id)
        if (expected == null || await sha256(got.end.path) !== expected) {
          report.verificationFailures++
          log(`VERIFICATION FAILURE: ${peer.name} got ${target.id as string} at ${got.end.path as string}`)
        }
        report.downloads++
        report.bytesDownloaded += got.end.bytes as number
        // removed again (the peer withdraws it), so the same books can be fetched over and over
        await rm(got.end.path, { force: true })
      } catch (err) {
        const killed = proc !== peer.proc || proc.child.exitCode != null || proc.child.signalCode != null
        error(killed ? 'peer killed during a command' : kindOf((err as Error).message.split(';')[0]))
      }
      await sleep(random() * 500)
    }
  }

  const restart = async (peer: Peer, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> => {
    peer.alive = false
    if (signal === 'SIGKILL') {
      peer.proc.child.kill('SIGKILL')
      await peer.proc.exited
    } else {
      await stopCli(peer.proc)
    }
    report.kills++
    await sleep(5_000)
    if (stopping.signal.aborted) return
    peer.proc = startCli(peer.args)
    await peer.proc.waitFor(e => e.event === 'listening', 60_000)
    peer.alive = true
    report.restarts++
    log(`${peer.name} ${signal === 'SIGKILL' ? 'killed' : 'stopped'} and restarted`)
  }

  const chaos = async (): Promise<void> => {
    let last: Peer | undefined
    let terminated = false
    while (!stopping.signal.aborted) {
      await sleep(20_000 + random() * 10_000)
      if (Date.now() > deadline - 15_000 || stopping.signal.aborted) return
      const victim = pick(peers.filter(p => p !== last && p.alive))
      last = victim
      // once, half way: a clean stop instead of a kill
      const graceful = !terminated && Date.now() > started + (deadline - started) / 2
      if (graceful) terminated = true
      try { await restart(victim, graceful ? 'SIGTERM' : 'SIGKILL') } catch (err) { error(`restart: ${kindOf((err as Error).message)}`) }
    }
  }

  process.once('SIGINT', () => { stopping.abort(); log('interrupted: stopping and reporting') })
  const progress = setInterval(() => { log(`${report.searches} searches, ${report.downloads} downloads, ${report.verificationFailures} verification failures, ${report.kills} kills`) }, 60_000)
  await Promise.all([...peers.map(workload), chaos()])
  stopping.abort()
  clearInterval(progress)
  clearInterval(sampler)
  report.index.rssTrendMiBPerMinute = secondHalfTrend(report.index.rssMiB.map(([t, m]) => [t, m]))

  await Promise.all(peers.map(async p => { await stopCli(p.proc) }))
  await stopCli(index)
  if (values.keep !== true && values.dir == null) await rm(dir, { recursive: true, force: true })

  const rss = report.index.rssMiB.map(([, m]) => m)
  const fds = report.index.fds.map(([, n]) => n)
  const rows: Array<[string, string]> = [
    ['duration / peers', `${minutes} min / ${peerCount} peers (separate processes)`],
    ['searches', String(report.searches)],
    ['downloads completed', `${report.downloads} (${(report.bytesDownloaded / 1048576).toFixed(1)} MiB), each checked byte for byte`],
    ['verification failures', String(report.verificationFailures)],
    ['peers killed / restarted', `${report.kills} / ${report.restarts} (one of them with SIGTERM)`],
    ['index RSS (MiB)', rss.length === 0 ? '-' : `first ${rss[0]}, min ${Math.min(...rss)}, max ${Math.max(...rss)}, last ${rss[rss.length - 1]}; trend over the second half ${report.index.rssTrendMiBPerMinute} MiB/min`],
    ['index open fds', fds.length === 0 ? '-' : `first ${fds[0]}, max ${Math.max(...fds)}, last ${fds[fds.length - 1]}`],
    ['index', report.index.alive ? 'up the whole run' : 'DIED'],
    ['errors', String(Object.values(report.errors).reduce((a, b) => a + b, 0))]
  ]
  const width = Math.max(...rows.map(r => r[0].length))
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`)
  for (const [kind, n] of Object.entries(report.errors).sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${String(n).padStart(5)} × ${kind}\n`)
  if (values.json === true) process.stdout.write(`${JSON.stringify(report)}\n`)
  process.exit(report.verificationFailures === 0 && report.index.alive ? 0 : 1)
}

main().catch((err) => {
  process.stderr.write(`soak: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
