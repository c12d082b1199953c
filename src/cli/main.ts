#!/usr/bin/env node
// The arkshare command line. The shim import must stay first: libp2p 3 needs Promise.withResolvers.
import '../runtime/promise-with-resolvers.js'
import { resolve } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { Command, InvalidArgumentError } from 'commander'
import { createArkshareNode, createIndexNode, type ArkshareNode, type ArkshareNodeOptions } from '../node/create-node.js'
import { formatSize } from './output.js'
import { LIMITS } from '../wire/protocols.js'
import { createOutput, type Output } from './output.js'
import { downloadWithProgress } from './download-flow.js'
import { printIndexStats, printSearchResults } from './render.js'
import type { SearchResults } from '../peer/index.js'
import { startShell, SHELL_HELP } from './shell.js'
import { errorMessage, setDebug } from './errors.js'
import { parseRate } from '../limits/token-bucket.js'
import type { Libp2p } from '@libp2p/interface'

const LOOPBACK_LISTEN = '/ip4/0.0.0.0/tcp/0'

function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function rate (value: string): number {
  try {
    return parseRate(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

function nonNegativeInt (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number')
  return n
}

function positiveInt (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number')
  return n
}

function requireIndexOrBootstrap (opts: { index?: string[], bootstrap?: string[] }): void {
  if ((opts.index ?? []).length === 0 && (opts.bootstrap ?? []).length === 0) {
    throw new InvalidArgumentError('give --index (or, with --dht, --bootstrap)')
  }
}

/** A one-shot DHT lookup needs at least one connected peer to start from. */
async function waitForBootstrap (node: ArkshareNode): Promise<void> {
  const deadline = Date.now() + 10_000
  while (node.getConnections().length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
}

/** Stops the node on SIGINT/SIGTERM (or `quit`), within a bounded time, then exits. */
function stopOnSignals (node: Libp2p, output: Output, extra?: () => void): () => Promise<void> {
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    extra?.()
    const force = setTimeout(() => {
      output.error('could not stop cleanly within 5 s; exiting anyway')
      process.exit(1)
    }, 5_000)
    force.unref()
    try {
      await node.stop()
    } catch (err) {
      output.error(`while stopping: ${errorMessage(err)}`)
    }
    output.emit({ event: 'stopped' })
    process.exit(0)
  }
  process.once('SIGINT', () => { void stop() })
  process.once('SIGTERM', () => { void stop() })
  return stop
}

function announce (output: Output, node: Libp2p, role: string): void {
  const multiaddrs = node.getMultiaddrs().map(a => a.toString())
  output.emit({ event: 'listening', role, peerId: node.peerId.toString(), multiaddrs },
    () => [`arkshare ${role} ${node.peerId.toString()} listening on:`, ...multiaddrs.map(a => `  ${a}`)].join('\n'))
}

/** Runs a one-shot command on a short-lived node that listens nowhere, then exits with its status. */
async function oneShot (output: Output, indexes: string[], extra: ArkshareNodeOptions, job: (node: ArkshareNode) => Promise<void>): Promise<void> {
  const node = await createArkshareNode({ listen: [], indexes, ...extra })
  let code = 0
  try {
    await job(node)
  } catch (err) {
    output.error(errorMessage(err))
    code = 1
  } finally {
    await Promise.resolve(node.stop()).catch(() => {})
  }
  process.exit(code)
}

/** `search` and `browse`: one-shot queries to the indexes that print one page of books. */
function pagedQueryCommand<A> (program: Command, name: string, description: string, argument: [string, string], defaultLimit: number,
  query: (node: ArkshareNode, arg: A, page: { limit: number, offset: number }) => Promise<SearchResults>): void {
  program.command(name)
    .description(description)
    .argument(argument[0], argument[1])
    .requiredOption('--index <multiaddr>', 'index node to ask (repeatable)', collect)
    .option('--limit <n>', 'results wanted (at most 100 a page)', positiveInt, defaultLimit)
    .option('--offset <n>', 'results to skip, for the next page', nonNegativeInt, 0)
    .option('--json', 'one JSON object per book')
    .action(async (arg: A, opts) => {
      const output = createOutput(opts.json === true)
      await oneShot(output, opts.index, {}, async (node) => {
        printSearchResults(output, await query(node, arg, { limit: opts.limit, offset: opts.offset }), opts.offset)
      })
    })
}

export function buildProgram (): Command {
  const program = new Command()
  program
    .name('arkshare')
    .description('Share books peer to peer: an index knows who has what, peers fetch verified books from each other.')
    .option('--debug', 'show stack traces with errors')
    .hook('preAction', (cmd) => { setDebug(cmd.opts().debug === true) })
    .showHelpAfterError()

  program.command('index')
    .description('run an index node: peers register their shelves with it and search it')
    .option('--listen <multiaddr>', 'address to listen on (repeatable)', collect)
    .option('--data <dir>', 'folder for the peer key and the catalog database', '.arkshare/index')
    .option('--ttl <seconds>', 'lease granted to peers that ask for none', positiveInt, 300)
    .option('--grace <seconds>', 'how long a disconnected peer stays in results', positiveInt, 30)
    .option('--dht', 'also run a node of the arkshare DHT (an entry point for peers)')
    .option('--max-books-per-peer <n>', 'books one peer may list', positiveInt, 10_000)
    .option('--max-connections <n>', 'open connections at most', positiveInt, 5_000)
    .option('--max-connections-per-ip <n>', 'open connections from one IP address at most', positiveInt, 256)
    .option('--max-open-streams <n>', 'register and search streams served at once, in all', positiveInt, LIMITS.openStreams.index.maxOpen)
    .option('--max-open-streams-per-ip <n>', 'register and search streams served at once to one IP address', positiveInt, LIMITS.openStreams.index.maxOpenPerAddress)
    .option('--deny <file>', 'rules file: peer IDs and IP ranges to deny or allow, re-read on change')
    .option('--max-searches-per-minute <n>', 'searches one peer may make per minute', positiveInt, 600)
    .option('--max-registrations-per-minute <n>', 'register requests one peer may make per minute', positiveInt, 120)
    .option('--heap-growth <percent>', 'how far the JS heap may grow past its live data before a full collection (0: V8 decides)', nonNegativeInt, 50)
    .option('--json', 'machine-readable output, one JSON object per line')
    .action(async (opts) => {
      const output = createOutput(opts.json === true)
      // V8 lets the heap grow up to ~4x its live data between full collections when allocation is
      // fast: a burst of registrations then leaves hundreds of MiB of garbage in RSS (bench:index at
      // 1M books: 1,054 MiB with V8's sizing, 720-731 at 50 %). A long-lived index trades a few more
      // collections for it.
      if (opts.heapGrowth > 0) setFlagsFromString(`--heap-growing-percent=${opts.heapGrowth as number}`)
      const node = await createIndexNode({
        listen: opts.listen ?? [LOOPBACK_LISTEN],
        dataDir: resolve(opts.data),
        defaultTtlSeconds: opts.ttl,
        disconnectGraceMs: opts.grace * 1000,
        dht: opts.dht === true,
        maxBooksPerPeer: opts.maxBooksPerPeer,
        connectionLimits: { maxConnections: opts.maxConnections, maxConnectionsPerIp: opts.maxConnectionsPerIp },
        accessRulesFile: opts.deny != null ? resolve(opts.deny) : undefined,
        searchesPerMinute: opts.maxSearchesPerMinute,
        registrationsPerMinute: opts.maxRegistrationsPerMinute,
        maxOpenStreams: opts.maxOpenStreams,
        maxOpenStreamsPerAddress: opts.maxOpenStreamsPerIp
      })
      stopOnSignals(node, output)
      announce(output, node, 'index')
      let lastLine = ''
      setInterval(() => {
        const s = node.services.index.stats()
        const line = `${s.peersOnline} peer(s) online, ${s.books} book(s), ${s.providers} provider record(s)`
        if (line !== lastLine) {
          lastLine = line
          output.emit({ event: 'stats', ...s }, () => line)
        }
      }, 30_000).unref()
    })

  program.command('node')
    .description('run a peer: share folders, register with indexes, and read shell commands from stdin')
    .option('--index <multiaddr>', 'an index node to register with and search (repeatable)', collect)
    .option('--dht', 'also announce books in the arkshare DHT and find providers there when no index answers')
    .option('--bootstrap <multiaddr>', 'a peer to connect to at start, e.g. a DHT entry point (repeatable)', collect)
    .option('--share <dir>', 'a folder of books to share (repeatable)', collect)
    .option('--downloads <dir>', 'where downloaded books go (shared too)', 'downloads')
    .option('--listen <multiaddr>', 'address to listen on (repeatable)', collect)
    .option('--data <dir>', 'folder for the peer key and the hash cache', '.arkshare/node')
    .option('--ttl <seconds>', 'lease to ask the index for (default: the index\'s)', positiveInt)
    .option('--max-upload <rate>', 'upload limit for all peers together, e.g. 2MiB/s', rate)
    .option('--max-upload-per-peer <rate>', 'upload limit for each remote peer', rate)
    .option('--max-download <rate>', 'download limit, e.g. 5MiB/s', rate)
    .option('--upload-slots <n>', 'peers served at once; others queue', positiveInt, 4)
    .option('--max-open-streams <n>', 'download streams served at once (queued ones too), in all', positiveInt, LIMITS.openStreams.peer.maxOpen)
    .option('--max-open-streams-per-ip <n>', 'download streams served at once to one IP address', positiveInt, LIMITS.openStreams.peer.maxOpenPerAddress)
    .option('--deny <file>', 'rules file: peer IDs and IP ranges to deny or allow, re-read on change')
    .option('--json', 'machine-readable output, one JSON object per line')
    .addHelpText('after', `\n${SHELL_HELP}`)
    .action(async (opts) => {
      const output = createOutput(opts.json === true)
      requireIndexOrBootstrap(opts)
      const node = await createArkshareNode({
        listen: opts.listen ?? [LOOPBACK_LISTEN],
        dataDir: resolve(opts.data),
        indexes: opts.index ?? [],
        dht: opts.dht === true,
        bootstrap: opts.bootstrap,
        share: (opts.share ?? []).map((d: string) => resolve(d)),
        downloads: resolve(opts.downloads),
        ttlSeconds: opts.ttl,
        maxUploadBytesPerSecond: opts.maxUpload,
        maxUploadBytesPerSecondPerPeer: opts.maxUploadPerPeer,
        maxDownloadBytesPerSecond: opts.maxDownload,
        uploadSlots: opts.uploadSlots,
        maxOpenStreams: opts.maxOpenStreams,
        maxOpenStreamsPerAddress: opts.maxOpenStreamsPerIp,
        accessRulesFile: opts.deny != null ? resolve(opts.deny) : undefined
      })
      let shell: { close: () => void } | undefined
      const stop = stopOnSignals(node, output, () => shell?.close())
      announce(output, node, 'peer')
      const books = node.services.arkshare.list()
      output.emit({ event: 'shelf', books: books.length, bytes: books.reduce((n, b) => n + b.size, 0) },
        () => `Sharing ${books.length} book(s) (${formatSize(books.reduce((n, b) => n + b.size, 0))}).`)
      node.services.arkshare.addEventListener('shelf:change', (evt) => {
        output.emit({ event: 'shelf', books: evt.detail.total, added: evt.detail.added, removed: evt.detail.removed },
          () => `Shelf changed: +${evt.detail.added} -${evt.detail.removed} (${evt.detail.total} book(s)).`)
      })
      shell = startShell({ node, output, onQuit: () => { void stop() } })
    })

  pagedQueryCommand(program, 'search', 'search the index once and print the results', ['<terms...>', 'words to search for'], 50,
    async (node, terms: string[], page) => await node.services.arkshare.search(terms.join(' '), { ...page, measure: true }))
  pagedQueryCommand(program, 'browse', 'list everything one peer shares', ['<peer-id>', 'the peer (from search results or `peers`)'], 100,
    async (node, peerId: string, page) => await node.services.arkshare.browse(peerId, page))

  program.command('stats')
    .description('ask indexes for their counts: peers online, books, providers')
    .requiredOption('--index <multiaddr>', 'index node to ask (repeatable)', collect)
    .option('--json', 'one JSON object per index')
    .action(async (opts) => {
      const output = createOutput(opts.json === true)
      await oneShot(output, opts.index, {}, async (node) => {
        const stats = await node.services.arkshare.indexStats()
        printIndexStats(output, stats)
        if (stats.every(s => s.stats == null)) throw new Error(`no index answered: ${stats.map(s => s.error).join('; ')}`)
      })
    })

  program.command('get')
    .description('download one book by its ID')
    .argument('<id>', 'the book ID (from search)')
    .option('--index <multiaddr>', 'index node to find providers with (repeatable)', collect)
    .option('--dht', 'find providers in the arkshare DHT when no index answers')
    .option('--bootstrap <multiaddr>', 'a peer to join the DHT through (repeatable)', collect)
    .option('--out <dir>', 'folder to save into', '.')
    .option('--max-download <rate>', 'download limit, e.g. 5MiB/s', rate)
    .option('--json', 'progress events and a final done event, as JSON lines')
    .action(async (id: string, opts) => {
      const output = createOutput(opts.json === true)
      requireIndexOrBootstrap(opts)
      await oneShot(output, opts.index ?? [], { maxDownloadBytesPerSecond: opts.maxDownload, dht: opts.dht === true, bootstrap: opts.bootstrap }, async (node) => {
        if (opts.bootstrap != null) await waitForBootstrap(node)
        await downloadWithProgress(node.services.arkshare, output, id, { outDir: opts.out })
      })
    })

  return program
}

buildProgram().parseAsync(process.argv).catch((err) => {
  process.stderr.write(`arkshare: ${errorMessage(err)}\n`)
  process.exit(1)
})
