// Index benchmark (npm run bench:index): a real index process over libp2p on loopback.
//   1. register N books from P peers (each its own libp2p identity)
//   2. 10,000 queries from 50 concurrent clients that keep their streams open, against the index and
//      against an empty index (the transport's own ceiling on this machine), both up, in alternating
//      rounds (each round its own queries) so that whatever else loads the machine hits both alike:
//      medians of the rounds and the range of the ratios; for both, the index process's CPU time per
//      search; the same queries straight against the catalog in this process, so the network path's
//      cost shows as a ratio (and what a reply costs, part by part, in-process)
//   3. index RSS and database size   4. restart: time until the first search is answered, the text
//      index read from the snapshot it saved as it stopped, and (the baseline) rebuilt without it
// Prints a table and, last, one JSON line. Scale with --books and --peers (default 1,000,000 / 10,000),
// --rounds (default 5);
// --heap-growth is passed to the index (0: V8's own heap sizing, for comparison).
import '../src/runtime/promise-with-resolvers.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { readdir, stat, mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from '@libp2p/interface'
import { nodeArgs, startCli, stopCli, type CliProcess } from '../scripts/cli-process.js'
import { cpuMs, rssMiB } from '../scripts/process-stats.js'
import { Catalog } from '../src/index-node/catalog/catalog.js'
import { INDEX_DEFAULTS } from '../src/index-node/index.js'
import { parseQuery } from '../src/index-node/query.js'
import { createArkshareNode } from '../src/node/create-node.js'
import { SearchReplies } from '../src/index-node/handlers/search-reply.js'
import { decodeMessage, SEARCH, SearchRequest, SearchResponse } from '../src/wire/messages.js'
import { SEARCH_PROTOCOL } from '../src/wire/protocols.js'
import { RequestChannel } from '../src/wire/request-channel.js'
import { syntheticQueries } from './synthetic-catalog.js'

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'
/** The registering peers leave once registered: their books stay listed for the whole run. */
const GRACE_SECONDS = 86_400
const worker = fileURLToPath(new URL('./index-worker.js', import.meta.url))

function percentile (sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 100) / 100
}

async function dirMiB (dir: string): Promise<number> {
  let total = 0
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size
  return Math.round(total / 1024 / 1024)
}

function runWorker (args: string[]): { child: ChildProcess, lines: AsyncIterableIterator<string> } {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  return { child, lines }
}

/**
 * `queryCount` searches from `clients` clients in two worker processes, started together; with the
 * CPU time one search costs the index and the clients (whatever else the machine runs), and the
 * rate this machine's cores could sustain at that cost if nothing else ran and nothing waited.
 */
async function searchLoad (addr: string, indexPid: number, queryCount: number, clients: number, totalBooks: number, seed: number): Promise<Record<string, number>> {
  const halfQ = Math.floor(queryCount / 2)
  const searchers = [
    runWorker(['search', addr, String(Math.ceil(clients / 2)), '0', String(halfQ), String(totalBooks), String(seed)]),
    runWorker(['search', addr, String(Math.floor(clients / 2)), String(halfQ), String(queryCount - halfQ), String(totalBooks), String(seed)])
  ]
  for (const s of searchers) await s.lines.next() // ready
  const cpuBefore = cpuMs(indexPid)
  const started = performance.now()
  for (const s of searchers) s.child.stdin!.write('go\n')
  const reports = await Promise.all(searchers.map(async s => JSON.parse((await s.lines.next()).value as string)))
  const ms = performance.now() - started
  const indexCpuMs = cpuMs(indexPid) - cpuBefore
  const clientCpuMs = reports.reduce((n, r) => n + r.cpuMs, 0)
  const latencies = reports.flatMap(r => r.latencies as number[]).sort((a, b) => a - b)
  return {
    queriesPerSecond: Math.round(latencies.length / (ms / 1000)),
    p50ms: percentile(latencies, 0.5),
    p99ms: percentile(latencies, 0.99),
    errors: reports.reduce((n, r) => n + r.errors, 0),
    indexCpuMsPerSearch: Math.round((indexCpuMs / latencies.length) * 1000) / 1000,
    clientCpuMsPerSearch: Math.round((clientCpuMs / latencies.length) * 1000) / 1000,
    cpuBoundQueriesPerSecond: Math.round(availableParallelism() * 1000 / ((indexCpuMs + clientCpuMs) / latencies.length)),
    meanResults: Math.round((reports.reduce((n, r) => n + r.results, 0) / latencies.length) * 10) / 10,
    estimatedTotals: reports.reduce((n, r) => n + r.estimated, 0)
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100

/** Each figure's median over the rounds (errors: their sum). */
function medianOfRounds (rounds: Array<Record<string, number>>): Record<string, number> {
  const figures: Record<string, number> = {}
  for (const key of Object.keys(rounds[0])) figures[key] = key === 'errors' ? rounds.reduce((n, r) => n + r[key], 0) : median(rounds.map(r => r[key]))
  return figures
}

/** The ratio of a figure, index to empty index, round by round: its median and its range. */
function roundRatios (index: Array<Record<string, number>>, empty: Array<Record<string, number>>, key: string): { median: number, range: [number, number] } {
  const ratios = index.map((r, i) => ratio(r[key], empty[i][key]))
  return { median: ratio(median(ratios), 1), range: [Math.min(...ratios), Math.max(...ratios)] }
}

/**
 * What a reply costs, part by part, in this process (mean ms per reply over `queries`): ranking and
 * the page, encoding it as the index does for the benchmark's clients (straight into bytes) and, for comparison, through wire
 * objects and the generated codec, and the client's checked decode; with its size.
 */
function replyParts (catalog: Catalog, queries: string[]): Record<string, number> {
  const replies = new SearchReplies()
  // as the benchmark's clients ask: file names equal to the derived one left out (spec 5.3)
  const options = { derivedFileNames: true }
  const spent = { pageMs: 0, encodeMs: 0, codecMs: 0, decodeMs: 0, bytes: 0 }
  for (const q of queries) {
    let t = performance.now()
    const page = catalog.search(parseQuery(q), { limit: 20 })
    spent.pageMs += performance.now() - t
    t = performance.now()
    const bytes = replies.encode(page, options)
    spent.encodeMs += performance.now() - t
    t = performance.now()
    SEARCH.response.codec.encode(replies.reply(page, options))
    spent.codecMs += performance.now() - t
    t = performance.now()
    decodeMessage(SEARCH.response, bytes)
    spent.decodeMs += performance.now() - t
    spent.bytes += bytes.byteLength
  }
  const mean = (n: number, digits = 1000): number => Math.round((n / queries.length) * digits) / digits
  return { pageMs: mean(spent.pageMs), encodeMs: mean(spent.encodeMs), generatedCodecMs: mean(spent.codecMs), decodeMs: mean(spent.decodeMs), bytesPerReply: mean(spent.bytes, 1) }
}

/** Starts the index and asks `query` until it answers with results: the seconds from spawn to that answer. */
async function restartToFirstAnswer (args: string[], probe: Libp2p, query: string): Promise<{ index: CliProcess, figures: { secondsToFirstAnswer: number, answered: boolean } }> {
  const started = performance.now()
  const index = startCli(args, { stdin: 'ignore' })
  const addr: string = (await index.waitFor(e => e.event === 'listening', 120_000)).multiaddrs[0]
  let answered = false
  while (!answered && performance.now() - started < 120_000) {
    try {
      const channel = new RequestChannel<SearchRequest, SearchResponse>(await probe.dialProtocol(multiaddr(addr), SEARCH_PROTOCOL), SEARCH)
      const reply = await channel.request({ query, limit: 20, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false, derivedFileNames: true }, AbortSignal.timeout(5_000))
      answered = reply.results.length > 0
    } catch {
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }
  return { index, figures: { secondsToFirstAnswer: Math.round(performance.now() - started) / 1000, answered } }
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { books: { type: 'string', default: '1000000' }, peers: { type: 'string', default: '10000' }, queries: { type: 'string', default: '10000' }, clients: { type: 'string', default: '50' }, rounds: { type: 'string', default: '5' }, 'heap-growth': { type: 'string', default: '50' }, 'index-node-args': { type: 'string', default: '' } } })
  const totalBooks = Number(values.books)
  const peers = Number(values.peers)
  const perPeer = Math.ceil(totalBooks / peers)
  const queryCount = Number(values.queries)
  const clients = Number(values.clients)
  const rounds = Number(values.rounds)
  const dir = await mkdtemp(join(tmpdir(), 'arkshare-bench-index-'))
  const dataDir = join(dir, 'index')
  const indexArgs = ['index', '--listen', LOOPBACK, '--data', dataDir, '--json', '--ttl', '86400', '--grace', String(GRACE_SECONDS),
    '--max-searches-per-minute', '1000000', '--max-registrations-per-minute', '1000', '--max-connections', '20000',
    // its simulated peers all dial from 127.0.0.1, past the 100 new connections a second one address may open
    '--max-new-connections-per-ip', '1000000', '--heap-growth', values['heap-growth'] as string]
  const results: Record<string, any> = { scale: { books: peers * perPeer, peers, booksPerPeer: perPeer, queries: queryCount, clients, rounds, heapGrowth: Number(values['heap-growth']) } }
  let index: CliProcess | undefined
  let empty: CliProcess | undefined
  try {
    index = startCli(indexArgs, { stdin: 'ignore', nodeArgs: nodeArgs(values['index-node-args']) })
    const addr: string = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]

    // 1. registrations, from two worker processes
    process.stderr.write(`1. registering ${peers * perPeer} books from ${peers} peers ...\n`)
    const regStart = performance.now()
    const half = Math.floor(peers / 2)
    const regs = [runWorker(['register', addr, '0', String(half), String(perPeer), '16']), runWorker(['register', addr, String(half), String(peers - half), String(perPeer), '16'])]
    const regReports = await Promise.all(regs.map(async w => JSON.parse((await w.lines.next()).value as string)))
    const regMs = performance.now() - regStart
    results.register = {
      seconds: Math.round(regMs) / 1000,
      peersPerSecond: Math.round(peers / (regMs / 1000)),
      booksPerSecond: Math.round((peers * perPeer) / (regMs / 1000)),
      failures: regReports.reduce((n, r) => n + r.failures, 0)
    }
    results.afterRegister = { indexRssMiB: rssMiB(index.child.pid as number), databaseMiB: await dirMiB(dataDir) }

    // 2. searches over the network: 2 worker processes, clients split between them; the index and an
    // empty one (nothing to rank or encode: the transport's own ceiling) both up, in alternating
    // rounds, each round its own queries (no page cached in an earlier round), each index first in turn
    process.stderr.write(`2. ${rounds} rounds of ${queryCount} searches from ${clients} clients, the index and an empty one in turn ...\n`)
    empty = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'empty'), '--json', '--max-searches-per-minute', '1000000'], { stdin: 'ignore' })
    const emptyAddr: string = (await empty.waitFor(e => e.event === 'listening')).multiaddrs[0]
    const indexRounds: Array<Record<string, number>> = []
    const emptyRounds: Array<Record<string, number>> = []
    for (let round = 0; round < rounds; round++) {
      const runIndex = async (): Promise<void> => { indexRounds.push(await searchLoad(addr, index?.child.pid as number, queryCount, clients, peers * perPeer, round + 1)) }
      const runEmpty = async (): Promise<void> => { emptyRounds.push(await searchLoad(emptyAddr, empty?.child.pid as number, queryCount, clients, peers * perPeer, round + 1)) }
      for (const run of round % 2 === 0 ? [runIndex, runEmpty] : [runEmpty, runIndex]) await run()
    }
    await stopCli(empty)
    empty = undefined
    results.searchNetwork = medianOfRounds(indexRounds)
    results.searchEmptyIndex = medianOfRounds(emptyRounds)
    const qps = roundRatios(indexRounds, emptyRounds, 'queriesPerSecond')
    const p99 = roundRatios(indexRounds, emptyRounds, 'p99ms')
    const cpu = roundRatios(indexRounds, emptyRounds, 'indexCpuMsPerSearch')
    Object.assign(results.searchNetwork, {
      vsEmptyIndex: qps.median,
      vsEmptyIndexRange: qps.range,
      p99VsEmptyIndex: p99.median,
      p99VsEmptyIndexRange: p99.range,
      indexCpuVsEmptyIndex: cpu.median,
      indexCpuVsEmptyIndexRange: cpu.range
    })
    results.afterSearch = { indexRssMiB: rssMiB(index.child.pid as number) }

    // the first round's queries in this process, straight against the catalog (cold cache: a new Catalog), with
    // the index's grace period: the registering peers have left, and must still be listed here too
    const catalog = new Catalog({ path: join(dataDir, 'index.db'), disconnectGraceMs: GRACE_SECONDS * 1000 })
    const queries = syntheticQueries(queryCount, peers * perPeer)
    const local: number[] = []
    const localStart = performance.now()
    for (const q of queries) {
      const t = performance.now()
      catalog.search(parseQuery(q), { limit: 20 })
      local.push(performance.now() - t)
    }
    const localMs = performance.now() - localStart
    local.sort((a, b) => a - b)
    results.searchInProcess = { queriesPerSecond: Math.round(local.length / (localMs / 1000)), p50ms: percentile(local, 0.5), p99ms: percentile(local, 0.99), note: 'one thread, no cache, no network' }
    results.replyParts = replyParts(catalog, queries)
    catalog.close()
    results.networkVsInProcess = { throughputRatio: Math.round((results.searchNetwork.queriesPerSecond / results.searchInProcess.queriesPerSecond) * 100) / 100 }

    // 4. restart: time from spawn to the first answered search, the text index read from the snapshot
    // it saved as it stopped; then, the baseline, with the snapshot removed (rebuilt from the catalog)
    process.stderr.write('4. restart ...\n')
    const stopStart = performance.now()
    await stopCli(index, INDEX_DEFAULTS.STOP_TIMEOUT_MS)
    const snapshot = join(dataDir, INDEX_DEFAULTS.TEXT_INDEX_SNAPSHOT_FILE)
    results.snapshot = { secondsToStopAndSave: Math.round(performance.now() - stopStart) / 1000, MiB: Math.round((await stat(snapshot)).size / 1024 / 1024) }
    const probe = await createArkshareNode({ listen: [] })
    const restartArgs = indexArgs.map(a => a === LOOPBACK ? `/ip4/127.0.0.1/tcp/${addr.split('/')[4]}` : a)
    const query = syntheticQueries(1, peers * perPeer)[0]
    const restarted = await restartToFirstAnswer(restartArgs, probe, query)
    index = restarted.index
    results.restart = restarted.figures
    await stopCli(index, INDEX_DEFAULTS.STOP_TIMEOUT_MS)
    await rm(snapshot)
    const rebuilt = await restartToFirstAnswer(restartArgs, probe, query)
    index = rebuilt.index
    results.restartRebuild = rebuilt.figures
    results.restart.vsRebuild = Math.round((results.restart.secondsToFirstAnswer / results.restartRebuild.secondsToFirstAnswer) * 100) / 100
    await probe.stop()
  } finally {
    if (empty != null) await stopCli(empty)
    if (index != null) await stopCli(index, INDEX_DEFAULTS.STOP_TIMEOUT_MS)
    await rm(dir, { recursive: true, force: true })
  }

  const r = results
  const rows = [
    [`1. register ${r.scale.books} books / ${r.scale.peers} peers`, `${r.register.booksPerSecond} books/s`, `${r.register.seconds} s, ${r.register.peersPerSecond} registrations/s, ${r.register.failures} failed`],
    [`2. search over libp2p, ${r.scale.clients} clients (median of ${r.scale.rounds} rounds)`, `${r.searchNetwork.queriesPerSecond} q/s`, `p50 ${r.searchNetwork.p50ms} ms, p99 ${r.searchNetwork.p99ms} ms; ${r.searchNetwork.meanResults} results a reply, ${r.searchNetwork.estimatedTotals} estimated totals`],
    ['2. CPU per search: index + clients', `${r.searchNetwork.indexCpuMsPerSearch} + ${r.searchNetwork.clientCpuMsPerSearch} ms`, `all ${availableParallelism()} cores busy at that cost: ${r.searchNetwork.cpuBoundQueriesPerSecond} q/s at most`],
    ['2. same queries in-process', `${r.searchInProcess.queriesPerSecond} q/s`, `p50 ${r.searchInProcess.p50ms} ms, p99 ${r.searchInProcess.p99ms} ms (target p99 <= 5 ms); network/in-process ${r.networkVsInProcess.throughputRatio}x`],
    ['2. a reply, part by part (in-process, mean)', `${r.replyParts.bytesPerReply} bytes`, `(the empty index's: 0); rank + page ${r.replyParts.pageMs} ms, encode ${r.replyParts.encodeMs} ms (wire objects + generated codec: ${r.replyParts.generatedCodecMs} ms), client decode ${r.replyParts.decodeMs} ms`],
    ['2. same load, empty index (baseline)', `${r.searchEmptyIndex.queriesPerSecond} q/s`, `p50 ${r.searchEmptyIndex.p50ms} ms, p99 ${r.searchEmptyIndex.p99ms} ms, CPU ${r.searchEmptyIndex.indexCpuMsPerSearch} + ${r.searchEmptyIndex.clientCpuMsPerSearch} ms/search (the transport's ceiling here)`],
    ['2. search over libp2p / empty index', `${r.searchNetwork.vsEmptyIndex}x q/s`, `rounds ${r.searchNetwork.vsEmptyIndexRange.join('-')}x; p99 ${r.searchNetwork.p99VsEmptyIndex}x (${r.searchNetwork.p99VsEmptyIndexRange.join('-')}x); CPU per search, index ${r.searchNetwork.indexCpuVsEmptyIndex}x (${r.searchNetwork.indexCpuVsEmptyIndexRange.join('-')}x) (targets: >= 0.6x q/s, p99 <= 2x)`],
    ['3. index RSS / database', `${r.afterSearch.indexRssMiB} MiB`, `database ${r.afterRegister.databaseMiB} MiB (target RSS <= 1024 MiB)`],
    ['4. restart to first answer (snapshot)', `${r.restart.secondsToFirstAnswer} s`, `${r.restart.answered === true ? '' : 'NOT ANSWERED; '}stop and save ${r.snapshot.secondsToStopAndSave} s, snapshot ${r.snapshot.MiB} MiB (target <= 3 s)`],
    ['4. restart, snapshot removed (baseline)', `${r.restartRebuild.secondsToFirstAnswer} s`, `${r.restartRebuild.answered === true ? '' : 'NOT ANSWERED; '}text index rebuilt from the catalog; snapshot/rebuild ${r.restart.vsRebuild}x`]
  ]
  const w = [0, 1, 2].map(i => Math.max(...rows.map(row => String(row[i]).length)))
  for (const row of rows) process.stdout.write(`${row.map((c, i) => String(c).padEnd(w[i])).join('  ')}\n`)
  process.stdout.write(`${JSON.stringify(results)}\n`)
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
