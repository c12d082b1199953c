// Transfer benchmark (npm run bench:transfer): real processes on loopback, each figure measured
// beside its baseline in the same run. Prints a table and, last, one JSON line with every figure.
//   1. one provider, 256 MiB: arkshare get vs a bare libp2p stream of the same bytes (same stack)
//   2. four providers capped at 4 MiB/s upload each
//   3. as 2, with one provider frozen (SIGSTOP) mid-download
//   4. resume: SIGKILL the downloader at 50 %, run get again, count bytes fetched twice
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startCli, stopCli, type CliProcess } from '../scripts/cli-process.js'
import { bookIdOf } from '../src/content/book-id.js'
import { hashFile } from '../src/content/hash-file.js'

const MiB = 1024 * 1024
const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

async function makeBook (path: string, bytes: number): Promise<string> {
  const file = await open(path, 'w')
  for (let done = 0; done < bytes; done += 4 * MiB) await file.write(randomBytes(Math.min(4 * MiB, bytes - done)))
  await file.close()
  return bookIdOf(await hashFile(path)).toString()
}

/**
 * Runs a get to its end. `ms` is the wall time of the process; `transferMs` runs from its first
 * progress event (manifest verified, data about to flow) to its done event.
 */
async function runToEnd (proc: CliProcess, timeoutMs = 300_000): Promise<{ ms: number, transferMs: number, done: Record<string, any> }> {
  const started = performance.now()
  const done = await proc.waitFor(e => e.event === 'done', timeoutMs)
  await proc.exited
  const first = proc.events.findIndex(e => e.event === 'progress')
  const last = proc.events.indexOf(done)
  return { ms: performance.now() - started, transferMs: proc.times[last] - proc.times[first], done }
}

function mibps (bytes: number, ms: number): number {
  return Math.round((bytes / MiB / (ms / 1000)) * 10) / 10
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '256' }, runs: { type: 'string', default: '2' } } })
  const bigSize = Number(values.size) * MiB
  const runs = Math.max(1, Number(values.runs))
  const dir = await mkdtemp(join(tmpdir(), 'arkshare-bench-'))
  const procs: CliProcess[] = []
  const results: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version } }
  try {
    const index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json'], { stdin: 'ignore' })
    procs.push(index)
    const indexAddr: string = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
    const provider = async (name: string, shelf: string, extra: string[] = []): Promise<CliProcess> => {
      const p = startCli(['node', '--index', indexAddr, '--share', shelf, '--downloads', join(dir, name, 'dl'), '--data', join(dir, name, 'data'), '--listen', LOOPBACK, '--json', ...extra], { stdin: 'ignore' })
      procs.push(p)
      await p.waitFor(e => e.event === 'listening')
      await p.waitFor(e => e.event === 'shelf' && e.books > 0, 120_000)
      return p
    }
    const get = (id: string, out: string, extra: string[] = []): CliProcess => startCli(['get', id, '--index', indexAddr, '--out', out, '--json', ...extra], { stdin: 'ignore' })
    const waitRegistered = async (words: string, id: string, providers: number): Promise<void> => {
      for (let i = 0; i < 100; i++) {
        const s = startCli(['search', words, '--index', indexAddr, '--json'], { stdin: 'ignore' })
        await s.exited
        if (s.events.some(e => e.id === id && e.providers.length >= providers)) return
        await new Promise(resolve => setTimeout(resolve, 250))
      }
      throw new Error(`book ${id} never had ${providers} providers`)
    }

    // 1. single provider vs bare stream
    process.stderr.write(`1. generating a ${bigSize / MiB} MiB book ...\n`)
    await mkdir(join(dir, 'big'), { recursive: true })
    const bigId = await makeBook(join(dir, 'big', 'Big Book.txt'), bigSize)
    const bigProvider = await provider('big-provider', join(dir, 'big'))
    await waitRegistered('big', bigId, 1)
    const bareServer = spawn(process.execPath, [fileURLToPath(new URL('./bare-stream.js', import.meta.url)), 'serve', join(dir, 'big', 'Big Book.txt')], { stdio: ['ignore', 'pipe', 'inherit'] })
    const bareAddr = await new Promise<string>((resolve) => { bareServer.stdout.once('data', (d: Buffer) => { resolve(JSON.parse(d.toString()).multiaddrs[0]) }) })
    const bare: number[] = []
    const bareWall: number[] = []
    const ark: number[] = []
    const arkWall: number[] = []
    for (let r = 0; r < runs; r++) {
      const out = join(dir, `bare-${r}.bin`)
      const started = performance.now()
      const fetcher = spawn(process.execPath, [fileURLToPath(new URL('./bare-stream.js', import.meta.url)), 'fetch', bareAddr, out], { stdio: ['ignore', 'pipe', 'inherit'] })
      let report = ''
      fetcher.stdout.on('data', (d: Buffer) => { report += d.toString() })
      await new Promise(resolve => fetcher.once('exit', resolve))
      bareWall.push(performance.now() - started)
      bare.push(JSON.parse(report).ms)
      if ((await stat(out)).size !== bigSize) throw new Error('bare stream moved the wrong number of bytes')
      await rm(out)
      const arkOut = join(dir, `ark-${r}`)
      const { ms, transferMs, done } = await runToEnd(get(bigId, arkOut))
      if (done.bytes !== bigSize) throw new Error('arkshare moved the wrong number of bytes')
      ark.push(transferMs)
      arkWall.push(ms)
      await rm(arkOut, { recursive: true })
    }
    bareServer.kill('SIGTERM')
    await stopCli(bigProvider)
    const best = (xs: number[]): number => Math.min(...xs)
    results.singleProvider = {
      bytes: bigSize,
      runs,
      bareStreamMiBps: mibps(bigSize, best(bare)),
      arkshareMiBps: mibps(bigSize, best(ark)),
      ratio: Math.round((best(bare) / best(ark)) * 100) / 100,
      wall: { bareStreamMiBps: mibps(bigSize, best(bareWall)), arkshareMiBps: mibps(bigSize, best(arkWall)), ratio: Math.round((best(bareWall) / best(arkWall)) * 100) / 100 },
      note: 'transfer: bare = dial to fsync, arkshare = first progress event to done (file verified, fsynced, renamed); wall = whole process; best of runs'
    }

    // 2 + 3. four capped providers, then one frozen mid-download
    const midSize = 64 * MiB
    process.stderr.write('2. four providers capped at 4 MiB/s ...\n')
    await mkdir(join(dir, 'mid'), { recursive: true })
    const midId = await makeBook(join(dir, 'mid', 'Shared Book.txt'), midSize)
    const capped: CliProcess[] = []
    for (let i = 0; i < 4; i++) capped.push(await provider(`capped-${i}`, join(dir, 'mid'), ['--max-upload', '4MiB/s']))
    await waitRegistered('shared', midId, 4)
    const four = await runToEnd(get(midId, join(dir, 'four')))
    results.fourCappedProviders = { bytes: midSize, capMiBps: 4, MiBps: mibps(midSize, four.transferMs), wallMiBps: mibps(midSize, four.ms), target: 14, providersUsed: four.done.providers }

    process.stderr.write('3. the same with one provider frozen mid-download ...\n')
    const stalled = get(midId, join(dir, 'stall'))
    await stalled.waitFor(e => e.event === 'progress' && e.percent >= 30, 120_000)
    capped[0].child.kill('SIGSTOP')
    const withStall = await runToEnd(stalled)
    capped[0].child.kill('SIGCONT')
    results.oneProviderStalled = { bytes: midSize, MiBps: mibps(midSize, withStall.transferMs), seconds: Math.round(withStall.transferMs) / 1000, vsFourProvidersSeconds: Math.round(four.transferMs) / 1000, ratio: Math.round((withStall.transferMs / four.transferMs) * 100) / 100 }

    // 4. resume after SIGKILL at 50 %
    process.stderr.write('4. resume after SIGKILL at 50 % ...\n')
    const resumeOut = join(dir, 'resume')
    const first = get(midId, resumeOut, ['--max-download', '16MiB/s'])
    const half = await first.waitFor(e => e.event === 'progress' && e.percent >= 50, 120_000)
    first.child.kill('SIGKILL')
    await first.exited
    const lastSeen = [...first.events].reverse().find(e => e.event === 'progress') ?? half
    const second = await runToEnd(get(midId, resumeOut))
    results.resume = {
      bytes: midSize,
      providers: 4,
      fetchedBeforeKill: lastSeen.fetched,
      verifiedBeforeKill: lastSeen.bytes,
      resumedBytes: second.done.resumedBytes,
      fetchedAfterRestart: second.done.bytesFetched,
      // what the first run had received (as of its last report) that the second run had to fetch again
      bytesFetchedAgain: Math.max(0, lastSeen.fetched - second.done.resumedBytes),
      // duplicate requests of the end game in the second run (not a cost of the crash)
      endGameDuplicates: second.done.bytesFetched - (midSize - second.done.resumedBytes),
      chunkBytes: 256 * 1024
    }
  } finally {
    await Promise.all(procs.map(async p => { p.child.kill('SIGCONT'); await stopCli(p) }))
    await rm(dir, { recursive: true, force: true })
  }

  const r = results as any
  const rows = [
    ['1. one provider, bare libp2p stream', `${r.singleProvider.bareStreamMiBps} MiB/s`, 'baseline'],
    ['1. one provider, arkshare get', `${r.singleProvider.arkshareMiBps} MiB/s`, `${r.singleProvider.ratio}x of bare (target >= 0.9x)`],
    ['2. four providers capped 4 MiB/s', `${r.fourCappedProviders.MiBps} MiB/s`, 'target >= 14 MiB/s'],
    ['3. same, one provider frozen', `${r.oneProviderStalled.MiBps} MiB/s`, `${r.oneProviderStalled.seconds} s vs ${r.oneProviderStalled.vsFourProvidersSeconds} s`],
    ['4. resume after SIGKILL at 50 %', `${r.resume.resumedBytes} B kept`, `${r.resume.bytesFetchedAgain} B fetched again (target < 1 chunk x 4 providers)`]
  ]
  const w = [0, 1, 2].map(i => Math.max(...rows.map(row => row[i].length)))
  for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(w[i])).join('  ')}\n`)
  process.stdout.write(`${JSON.stringify(results)}\n`)
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
