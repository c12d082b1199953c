// Shelf benchmark (npm run bench:shelf -- [--books N] [--cache DIR] [--samples FILE]): one peer sharing a generated
// library of N books (default 100,000; see shelf-library.ts for its sizes), against an index on
// loopback while another peer searches it the whole time.
//   1. first scan + hash: spawn to the shelf's first report, against `sha256sum` over the same files
//      in the same run; the page cache is warm for both (every file is read once, untimed, first)
//   2. registration: spawn until the index counts every book, and until a search finds the last one
//   3. the peer's RSS (peak, from the kernel's high-water mark)
//   4. one book added, one removed, one renamed in the middle: until the index agrees
//   5. restart with the warm hash cache: spawn until the index lists every book again (its counts,
//      asked by the searching peer; resumed: the index kept the listing the stopping peer left, and
//      confirms it by digest, spec 5.2.1), and until the peer itself reports it (after its scan)
//   6. the other peer's searches: p99 while the index takes each registration of N books (the
//      restart's from the old peer's stop), against the same index idle (holding the N books); and
//      the index's own event-loop pauses meanwhile (from its /metrics, see loop-lag.ts)
// The sharing peer runs at a lower CPU priority (--peer-nice, default 10; 0 for none): in use it is on
// a machine of its own, and on these 2 cores its scan and start-up would take the CPU the index and
// the searching peer wait for, which says nothing of the index. The index and the searcher run as usual.
// Prints a table and, last, one JSON line.
import '../src/runtime/promise-with-resolvers.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, statfs, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { nodeArgs, startCli, stopCli, type CliProcess } from '../scripts/cli-process.js'
import { LoopLagScraper } from './loop-lag.js'
import { ensureLibrary, filler, libraryBook, plannedBytes, type Library } from './shelf-library.js'
import { shelfChanges, undoShelfChanges } from './shelf-changes.js'
import { printTable, searchWindows } from './shelf-report.js'

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'
const GiB = 2 ** 30
const now = (): number => performance.timeOrigin + performance.now()
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
const seconds = (ms: number): number => Math.round(ms) / 1000

async function shell (command: string): Promise<number> {
  const started = now()
  await new Promise<void>((resolve, reject) => {
    spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] }).on('exit', code => { code === 0 ? resolve() : reject(new Error(`${command}: exit ${code}`)) })
  })
  return now() - started
}

async function memAvailableGiB (): Promise<number> {
  const kib = Number(/MemAvailable:\s+(\d+)/.exec(await readFile('/proc/meminfo', 'utf8'))?.[1] ?? 0)
  return Math.round(kib / 1024 / 1024 * 10) / 10
}

/** Resident memory and its high-water mark, MiB. */
async function memoryMiB (pid: number): Promise<{ rss: number, peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const field = (name: string): number => Math.round(Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024)
  return { rss: field('VmRSS'), peak: field('VmHWM') }
}

interface Searcher { child: ChildProcess, next: (tag: string) => Promise<Record<string, any>>, send: (line: string) => void }

function startSearcher (addr: string, books: number): Searcher {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./shelf-searcher.js', import.meta.url)), addr, String(books), '4', '20'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map<string, (line: Record<string, any>) => void>()
  const early = new Map<string, Record<string, any>>()
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text)
    const tag: string = line.tag ?? (line.samples != null ? 'report' : 'ready')
    const waiter = waiting.get(tag)
    if (waiter != null) { waiting.delete(tag); waiter(line) } else early.set(tag, line)
  })
  return {
    child,
    send: (line) => { child.stdin!.write(`${line}\n`) },
    next: async (tag) => early.get(tag) ?? await new Promise(resolve => waiting.set(tag, resolve))
  }
}

/**
 * Polls the peer's `status` until its index counts `books` of its books; returns when (epoch ms) and
 * how (full, or resumed), with every error the peer's link to the index reported meanwhile.
 */
async function registeredAt (peer: CliProcess, books: number, timeoutMs: number): Promise<{ at: number, how: string, errors: string[] }> {
  const deadline = now() + timeoutMs
  const errors = new Set<string>()
  let seen = peer.events.length
  while (now() < deadline) {
    peer.send('status')
    await sleep(50)
    for (; seen < peer.events.length; seen++) {
      const e = peer.events[seen]
      if (e.event !== 'index') continue
      if (typeof e.lastError === 'string') errors.add(e.lastError)
      if (e.registered === true && e.books === books) return { at: peer.times[seen] + performance.timeOrigin, how: e.how, errors: [...errors] }
    }
  }
  throw new Error(`the index did not count ${books} books within ${timeoutMs / 1000} s (errors: ${[...errors].join('; ')})`)
}

/** Spawns the peer; resolves once its shelf is scanned, with the spawn and scan times. */
async function startPeer (args: string[], nice: number): Promise<{ peer: CliProcess, spawnedAt: number, scannedAt: number, books: number }> {
  const spawnedAt = now()
  const peer = startCli(args, nice > 0 ? { wrap: ['nice', '-n', String(nice)] } : {})
  const shelf = await peer.waitFor(e => e.event === 'shelf', 60 * 60_000)
  return { peer, spawnedAt, scannedAt: peer.times[peer.events.indexOf(shelf)] + performance.timeOrigin, books: shelf.books }
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { books: { type: 'string', default: '100000' }, cache: { type: 'string', default: join(tmpdir(), 'arkshare-bench-shelf') }, idle: { type: 'string', default: '10' }, 'peer-nice': { type: 'string', default: '10' }, 'index-node-args': { type: 'string', default: '' }, samples: { type: 'string' } } })
  const peerNice = Number(values['peer-nice'])
  const books = Number(values.books)
  const cache = values.cache as string
  const log = (line: string): void => { process.stderr.write(`${line}\n`) }

  const planned = plannedBytes(books)
  const { bavail, bsize } = await statfs(tmpdir())
  const free = bavail * bsize
  log(`library: ${books} books, ${(planned / GiB).toFixed(1)} GiB (100 KiB–5 MiB, skewed low: mean ${Math.round(planned / books / 1024)} KiB); ${(free / GiB).toFixed(0)} GiB free`)
  let library: Library
  try {
    library = await ensureLibrary(cache, books, log)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new Error(`the library does not fit in ${cache}: ${(planned / GiB).toFixed(1)} GiB needed, ${(free / GiB).toFixed(1)} GiB were free`)
    throw err
  }
  await undoShelfChanges(library.root, books)
  const results: Record<string, any> = { peerNice, scale: { books, gib: Math.round(library.bytes / GiB * 10) / 10, meanKiB: Math.round(library.bytes / books / 1024), memAvailableGiB: await memAvailableGiB() } }

  // 1. the baseline, with the page cache warmed by one untimed read of every file
  log('1. warming the page cache, then sha256sum over every file ...')
  const files = `find '${library.root}' -type f -print0`
  await shell(`${files} | xargs -0 cat > /dev/null`)
  const shaMs = await shell(`${files} | xargs -0 sha256sum > /dev/null`)
  results.sha256sum = { seconds: seconds(shaMs), mbPerSecond: Math.round(library.bytes / 1e6 / (shaMs / 1000)) }

  const dir = await mkdtemp(join(tmpdir(), 'arkshare-bench-shelf-'))
  const index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json', '--ttl', '3600', '--http', '127.0.0.1:0',
    '--max-books-per-peer', String(books * 2), '--max-registrations-per-minute', '100000', '--max-searches-per-minute', '1000000'], { stdin: 'ignore', nodeArgs: nodeArgs(values['index-node-args']) })
  let peer: CliProcess | undefined
  let searcher: Searcher | undefined
  let loopLag: LoopLagScraper | undefined
  try {
    const addr: string = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
    loopLag = new LoopLagScraper(new URL('/metrics', (await index.waitFor(e => e.event === 'http')).url).toString(), now)
    loopLag.start()
    searcher = startSearcher(addr, books)
    await searcher.next('ready')
    const searchesFrom = now()
    await sleep(3_000)

    // 1-3. the first scan, registration and memory
    log('2. the peer scans, hashes and registers the library ...')
    const peerArgs = ['node', '--share', library.root, '--index', addr, '--data', join(dir, 'peer'), '--downloads', join(dir, 'downloads'), '--listen', LOOPBACK, '--no-upnp', '--json']
    const lastWord = libraryBook(books - 1).word
    searcher.send(`find present ${lastWord} last`)
    const first = await startPeer(peerArgs, peerNice)
    peer = first.peer
    const { at: firstRegistered, errors: firstErrors } = await registeredAt(peer, first.books, 10 * 60_000)
    const lastFound = (await searcher.next('last')).at as number
    const scanMs = first.scannedAt - first.spawnedAt
    results.firstScan = { seconds: seconds(scanMs), books: first.books, mbPerSecond: Math.round(library.bytes / 1e6 / (scanMs / 1000)) }
    results.firstScan.vsSha256sum = Math.round((shaMs / scanMs) * 100) / 100
    results.firstRegistration = { secondsAfterScan: seconds(firstRegistered - first.scannedAt), secondsFromSpawn: seconds(firstRegistered - first.spawnedAt), lastBookFoundFromSpawn: seconds(lastFound - first.spawnedAt), errors: firstErrors }
    results.peerMemory = await memoryMiB(peer.child.pid as number)

    // the index idle, holding the library: the searches' baseline
    const idleFrom = now()
    await sleep(Number(values.idle) * 1000)
    const idleTo = now()

    // 4. changes in the middle of the shelf
    log('3. one book added, one removed, one renamed ...')
    results.changes = {}
    for (const change of shelfChanges(library.root, books, filler())) {
      const at = now()
      await change.apply()
      searcher.send(`find ${change.want} ${change.word} ${change.kind}`)
      const seen = await Promise.race([searcher.next(change.kind), sleep(60_000).then(() => undefined)])
      results.changes[change.kind] = seen?.at != null ? seconds(seen.at - at) : 'not within 60 s'
    }
    results.peerMemory = { ...await memoryMiB(peer.child.pid as number) }

    // 5. restart with the warm hash cache
    log('4. restart with the warm hash cache ...')
    const shelfBooks: number = peer.events.findLast(e => e.event === 'shelf')?.books
    const stoppingAt = now()
    await stopCli(peer, 30_000)
    const stopSeconds = seconds(now() - stoppingAt)
    searcher.send(`providers ${shelfBooks} listed-again`)
    const second = await startPeer(peerArgs, peerNice)
    peer = second.peer
    const { at: peerRegistered, how, errors: secondErrors } = await registeredAt(peer, second.books, 10 * 60_000)
    const listedAgain = await searcher.next('listed-again')
    if (listedAgain.error != null) throw new Error(`counting the restarted peer's listings: ${listedAgain.error as string}`)
    const secondRegistered = Math.max(listedAgain.at as number, peerRegistered)
    results.restart = {
      secondsToListed: seconds((listedAgain.at as number) - second.spawnedAt),
      secondsToRegistered: seconds(peerRegistered - second.spawnedAt),
      how,
      scanSeconds: seconds(second.scannedAt - second.spawnedAt),
      stopSeconds,
      books: second.books,
      errors: secondErrors
    }
    results.restartMemory = await memoryMiB(peer.child.pid as number)

    // 6. the other peer's searches
    searcher.send('report')
    const samples: Array<[number, number]> = (await searcher.next('report')).samples
    const windows: Record<string, [number, number]> = {
      idle: [idleFrom, idleTo],
      firstRegistration: [first.scannedAt, firstRegistered],
      restartRegistration: [stoppingAt, secondRegistered]
    }
    results.searches = searchWindows(samples, { emptyIndex: [searchesFrom + 1000, first.spawnedAt], ...windows })
    results.indexLoop = loopLag.windows(windows)
    // every search ([sent at, ms]) and the windows, for a closer look (bench/gc-overlap.ts)
    if (values.samples != null) await writeFile(values.samples, JSON.stringify({ samples, windows }))
  } finally {
    loopLag?.stop()
    searcher?.child.stdin?.end()
    if (peer != null) await stopCli(peer, 30_000)
    await stopCli(index)
    await undoShelfChanges(library.root, books)
    await rm(dir, { recursive: true, force: true })
  }
  printTable(results)
  process.stdout.write(`${JSON.stringify(results)}\n`)
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
