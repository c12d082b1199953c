// Transfer benchmark (npm run bench:transfer): real processes on loopback, each figure measured
// beside its baseline in the same run. Prints a table and, last, one JSON line with every figure.
//   1. one provider, 256 MiB: arkshare get vs two bare libp2p streams of the same bytes (libp2p's
//      defaults, and arkshare's own settings), interleaved pairs (transfer-single.ts)
//   2. four uncapped providers vs one, interleaved pairs
//   3. four providers capped at 4 MiB/s upload each
//   4. as 3, with one provider frozen (SIGSTOP) mid-download
//   5. resume: SIGKILL the downloader at 50 %, run get again, count bytes fetched twice
//   npm run bench:transfer -- [--size MiB] [--pairs N] [--scenarios 1,2,3]  (3 runs 3 to 5)
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startCli, stopCli, type CliProcess } from '../scripts/cli-process.js'
import { bookIdOf } from '../src/content/book-id.js'
import { hashFile } from '../src/content/hash-file.js'
import { MiB, median, mibps, ratioSummary, round2, runToEnd } from './transfer-figures.js'
import { singleProvider } from './transfer-single.js'

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

async function makeBook (path: string, bytes: number): Promise<string> {
  const file = await open(path, 'w')
  for (let done = 0; done < bytes; done += 4 * MiB) await file.write(randomBytes(Math.min(4 * MiB, bytes - done)))
  await file.close()
  return bookIdOf(await hashFile(path)).toString()
}
interface Interleaved { a: number[], b: number[], fetchedA: number[], fetchedB: number[], transferA: number[], transferB: number[], providersB: number[], startA: number[], startB: number[], exitA: number[], exitB: number[], cpuA: Cpu[], cpuB: Cpu[] }
/** A get's CPU time in ms: to its first progress event, and from it to done. */
interface Cpu { start: number, data: number }

/**
 * Gets of `a` and `b`, `pairs` times each, alternating which goes first, a tiny get before each; a
 * get's time is its wall time minus the median tiny get's.
 */
async function interleaved (pairs: number, tinyId: string, a: string, b: string, get: (id: string, out: string) => CliProcess, dir: string): Promise<Interleaved> {
  const walls = { a: [] as number[], b: [] as number[] }
  const fetched = { a: [] as number[], b: [] as number[] }
  const transfer = { a: [] as number[], b: [] as number[] }
  const tiny: number[] = []
  const providersB: number[] = []
  const starts = { a: [] as number[], b: [] as number[] }
  const exits = { a: [] as number[], b: [] as number[] }
  const cpu = { a: [] as Cpu[], b: [] as Cpu[] }
  const once = async (which: 'a' | 'b', r: number): Promise<void> => {
    const out = join(dir, `${which}-${r}`)
    tiny.push((await runToEnd(get(tinyId, `${out}-tiny`))).ms)
    const run = await runToEnd(get(which === 'a' ? a : b, out))
    walls[which].push(run.ms)
    fetched[which].push(run.done.bytesFetched)
    transfer[which].push(run.transferMs)
    starts[which].push(run.startMs)
    exits[which].push(run.exitMs)
    cpu[which].push({ start: run.startCpuMs, data: run.transferCpuMs })
    if (which === 'b') providersB.push(run.done.providers.filter((p: { bytes: number }) => p.bytes > 0).length)
    await rm(out, { recursive: true })
    await rm(`${out}-tiny`, { recursive: true })
  }
  for (let r = 0; r < pairs; r++) {
    for (const which of r % 2 === 0 ? ['a', 'b'] as const : ['b', 'a'] as const) await once(which, r)
  }
  const start = median(tiny)
  return { a: walls.a.map(ms => ms - start), b: walls.b.map(ms => ms - start), fetchedA: fetched.a, fetchedB: fetched.b, transferA: transfer.a, transferB: transfer.b, providersB, startA: starts.a, startB: starts.b, exitA: exits.a, exitB: exits.b, cpuA: cpu.a, cpuB: cpu.b }
}

/** Median CPU ms of each phase, and of both. */
function cpuSummary (runs: Cpu[]): { start: number, data: number, total: number } {
  const ok = runs.filter(c => Number.isFinite(c.start) && Number.isFinite(c.data))
  return { start: median(ok.map(c => c.start)), data: median(ok.map(c => c.data)), total: median(ok.map(c => c.start + c.data)) }
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '256' }, pairs: { type: 'string', default: '5' }, scenarios: { type: 'string', default: '1,2,3' } } })
  const scenarios = new Set(values.scenarios.split(','))
  const bigSize = Number(values.size) * MiB
  const pairs = Math.max(1, Number(values.pairs))
  const dir = await mkdtemp(join(tmpdir(), 'arkshare-bench-'))
  const procs: CliProcess[] = []
  const results: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version } }
  try {
    const index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json'], { stdin: 'ignore' })
    procs.push(index)
    const indexAddr: string = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
    const provider = async (name: string, shelves: string[], extra: string[] = []): Promise<CliProcess> => {
      const p = startCli(['node', '--index', indexAddr, ...shelves.flatMap(s => ['--share', s]), '--downloads', join(dir, name, 'dl'), '--data', join(dir, name, 'data'), '--listen', LOOPBACK, '--json', ...extra], { stdin: 'ignore' })
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

    // 1. single provider vs two bare streams
    process.stderr.write(`1. one provider, ${bigSize / MiB} MiB, ${pairs} interleaved rounds ...\n`)
    await mkdir(join(dir, 'big'), { recursive: true })
    const bookPath = join(dir, 'big', 'Big Book.txt')
    const bigId = await makeBook(bookPath, bigSize)
    const tinyId = await makeBook(join(dir, 'big', 'Tiny Book.txt'), 64 * 1024)
    const bigProvider = await provider('big-provider', [join(dir, 'big')])
    await waitRegistered('big', bigId, 1)
    await waitRegistered('tiny', tinyId, 1)
    if (scenarios.has('1')) results.singleProvider = await singleProvider({ dir, bookPath, bookId: bigId, bytes: bigSize, tinyId, provider: bigProvider, get, pairs })

    if (scenarios.has('2')) {
      // 2. four uncapped providers vs one: the same size of book, one shared by one peer, one by four
      const freeSize = 128 * MiB
      process.stderr.write(`2. four uncapped providers vs one, ${freeSize / MiB} MiB ...\n`)
      for (const d of ['solo', 'four']) await mkdir(join(dir, d), { recursive: true })
      const soloId = await makeBook(join(dir, 'solo', 'Solo Book.txt'), freeSize)
      const fourId = await makeBook(join(dir, 'four', 'Quartet Book.txt'), freeSize)
      const uncapped = [await provider('free-0', [join(dir, 'solo'), join(dir, 'four')])]
      for (let i = 1; i < 4; i++) uncapped.push(await provider(`free-${i}`, [join(dir, 'four')]))
      await waitRegistered('solo', soloId, 1)
      await waitRegistered('quartet', fourId, 4)
      const oneVsFour = await interleaved(pairs, tinyId, soloId, fourId, get, dir)
      results.fourUncappedProviders = {
        bytes: freeSize,
        pairs,
        oneMiBps: mibps(freeSize, median(oneVsFour.a)),
        fourMiBps: mibps(freeSize, median(oneVsFour.b)),
        ratio: ratioSummary(oneVsFour.a.map((one, i) => one / oneVsFour.b[i])),
        // the same from the first progress event (manifest verified) to done: leaves out finding,
        // pinging and dialling the providers before the download
        transferRatio: ratioSummary(oneVsFour.transferA.map((one, i) => one / oneVsFour.transferB[i])),
        // bytes received beyond the book's: the end game's duplicates
        duplicateMiB: { one: round2((median(oneVsFour.fetchedA) - freeSize) / MiB), four: round2((median(oneVsFour.fetchedB) - freeSize) / MiB) },
        // median ms of each phase of a get, one provider vs four: to the first progress event, from it
        // to done, from done to the process's exit
        phasesMs: {
          one: { start: Math.round(median(oneVsFour.startA)), data: Math.round(median(oneVsFour.transferA)), exit: Math.round(median(oneVsFour.exitA)) },
          four: { start: Math.round(median(oneVsFour.startB)), data: Math.round(median(oneVsFour.transferB)), exit: Math.round(median(oneVsFour.exitB)) }
        },
        // the get's CPU time (from /proc), median ms: to the first progress event, from it to done,
        // and both; the ratio is one's total / four's per round. Other work on the shared machine
        // moves wall times by 2-3x, CPU times far less
        downloaderCpuMs: { one: cpuSummary(oneVsFour.cpuA), four: cpuSummary(oneVsFour.cpuB) },
        cpuRatio: ratioSummary(oneVsFour.cpuA.map((one, i) => (one.start + one.data) / (oneVsFour.cpuB[i].start + oneVsFour.cpuB[i].data)).filter(Number.isFinite)),
        // of the four, how many sent data in each round: the downloader takes in providers only while it is idle
        providersSending: oneVsFour.providersB,
        target: '>= 1.0 (four / one, by speed)'
      }
      for (const p of uncapped) await stopCli(p)
    }
    await stopCli(bigProvider)

    if (scenarios.has('3')) {
      // 3 + 4. four capped providers, then one frozen mid-download
      const midSize = 64 * MiB
      process.stderr.write('3. four providers capped at 4 MiB/s ...\n')
      await mkdir(join(dir, 'mid'), { recursive: true })
      const midId = await makeBook(join(dir, 'mid', 'Shared Book.txt'), midSize)
      const capped: CliProcess[] = []
      for (let i = 0; i < 4; i++) capped.push(await provider(`capped-${i}`, [join(dir, 'mid')], ['--max-upload', '4MiB/s']))
      await waitRegistered('shared', midId, 4)
      const four = await runToEnd(get(midId, join(dir, 'four-capped')))
      results.fourCappedProviders = { bytes: midSize, capMiBps: 4, MiBps: mibps(midSize, four.transferMs), wallMiBps: mibps(midSize, four.ms), target: 14, providersUsed: four.done.providers }

      process.stderr.write('4. the same with one provider frozen mid-download ...\n')
      const stalled = get(midId, join(dir, 'stall'))
      await stalled.waitFor(e => e.event === 'progress' && e.percent >= 30, 120_000)
      capped[0].child.kill('SIGSTOP')
      const withStall = await runToEnd(stalled)
      capped[0].child.kill('SIGCONT')
      results.oneProviderStalled = { bytes: midSize, MiBps: mibps(midSize, withStall.transferMs), seconds: Math.round(withStall.transferMs) / 1000, vsFourProvidersSeconds: Math.round(four.transferMs) / 1000, ratio: round2(withStall.transferMs / four.transferMs) }

      // 5. resume after SIGKILL at 50 %
      process.stderr.write('5. resume after SIGKILL at 50 % ...\n')
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
    }
  } finally {
    await Promise.all(procs.map(async p => { p.child.kill('SIGCONT'); await stopCli(p) }))
    await rm(dir, { recursive: true, force: true })
  }
  printTable(results as any)
}

function printTable (r: any): void {
  const spread = (x: { median: number, min: number, max: number }): string => `${x.median}x (${x.min}-${x.max})`
  const rows: string[][] = []
  const one = r.singleProvider
  if (one != null) {
    rows.push(
      ['1. bare stream, libp2p defaults', `${one.bareDefaultsMiBps} MiB/s`, 'baseline'],
      ['1. bare stream, arkshare settings', `${one.bareArkshareSettingsMiBps} MiB/s`, 'baseline'],
      ['1. arkshare get (minus a tiny get)', `${one.arkshareMiBps} MiB/s`, `${spread(one.vsBareDefaults)} of defaults (target >= 1.15x), ${spread(one.vsBareArkshareSettings)} of arkshare settings`],
      ['1. peak RSS above idle', `sender ${one.rss.sender.aboveIdleMiB} MiB`, `receiver ${one.rss.receiver.aboveIdleMiB} MiB (idle ${one.rss.sender.idleMiB} / ${one.rss.receiver.idleMiB} MiB; target <= 64 MiB)`])
  }
  const free = r.fourUncappedProviders
  if (free != null) {
    const cpu = free.downloaderCpuMs
    rows.push(
      ['2. four uncapped providers vs one', `${free.fourMiBps} vs ${free.oneMiBps} MiB/s`, `${spread(free.ratio)} (target >= 1.0x); first progress to done ${spread(free.transferRatio)}; duplicates ${free.duplicateMiB.four} MiB; providers sending ${free.providersSending.join(',')}`],
      ['2. downloader CPU, four vs one', `${cpu.four.total} vs ${cpu.one.total} ms`, `one / four ${spread(free.cpuRatio)}; to first progress ${cpu.four.start} vs ${cpu.one.start} ms, then to done ${cpu.four.data} vs ${cpu.one.data} ms`])
  }
  if (r.fourCappedProviders != null) {
    rows.push(
      ['3. four providers capped 4 MiB/s', `${r.fourCappedProviders.MiBps} MiB/s`, 'target >= 14 MiB/s'],
      ['4. same, one provider frozen', `${r.oneProviderStalled.MiBps} MiB/s`, `${r.oneProviderStalled.seconds} s vs ${r.oneProviderStalled.vsFourProvidersSeconds} s`],
      ['5. resume after SIGKILL at 50 %', `${r.resume.resumedBytes} B kept`, `${r.resume.bytesFetchedAgain} B fetched again (target < 1 chunk x 4 providers)`])
  }
  const w = [0, 1, 2].map(i => Math.max(...rows.map(row => row[i].length)))
  for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(w[i])).join('  ')}\n`)
  process.stdout.write(`${JSON.stringify(r)}\n`)
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
