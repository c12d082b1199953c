// `arkshare index`: runs an index node until signalled, printing its counts when they change.
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { limitHeapGrowth } from '../../runtime/heap-growth.js'
import { HEAP_MIN_HEADROOM_MIB } from '../../runtime/constants.js'
import { INDEX_DEFAULTS } from '../../index-node/index.js'
import { createIndexNode, type IndexNode, type IndexNodeOptions } from '../../node/create-node.js'
import { createIndexHttp } from '../../http/index.js'
import { addHttpOptions, HttpFace, type HttpCommandOptions } from '../http.js'
import { applyConfigFile } from '../config-file.js'
import { announce, stopOnSignals } from '../lifecycle.js'
import { collect, nonNegativeInt, positiveInt } from '../options.js'
import { createOutput, formatSize, type Output } from '../output.js'

/** How often the index's counts are looked at (printed only when they changed). */
const STATS_INTERVAL_MS = 30_000

export interface IndexCommandOptions extends HttpCommandOptions {
  listen?: string[]
  announce?: string[]
  relay: boolean
  data: string
  ttl: number
  grace: number
  dht?: boolean
  maxBooksPerPeer: number
  maxConnections: number
  maxConnectionsPerIp: number
  maxNewConnectionsPerIp: number
  maxOpenStreams: number
  maxOpenStreamsPerIp: number
  deny?: string
  maxSearchesPerMinute: number
  maxRegistrationsPerMinute: number
  heapGrowth: number
  config?: string
  json?: boolean
}

/** The index node the options ask for (paths from the working directory, grace in ms). */
export function indexNodeOptions (opts: IndexCommandOptions): IndexNodeOptions {
  return {
    listen: opts.listen,
    announce: opts.announce,
    relay: opts.relay,
    dataDir: resolve(opts.data),
    defaultTtlSeconds: opts.ttl,
    disconnectGraceMs: opts.grace * 1000,
    dht: opts.dht === true,
    maxBooksPerPeer: opts.maxBooksPerPeer,
    connectionLimits: { maxConnections: opts.maxConnections, maxConnectionsPerIp: opts.maxConnectionsPerIp, inboundConnectionThreshold: opts.maxNewConnectionsPerIp },
    accessRulesFile: opts.deny != null ? resolve(opts.deny) : undefined,
    searchesPerMinute: opts.maxSearchesPerMinute,
    registrationsPerMinute: opts.maxRegistrationsPerMinute,
    maxOpenStreams: opts.maxOpenStreams,
    maxOpenStreamsPerAddress: opts.maxOpenStreamsPerIp
  }
}

function printStatsWhenChanged (node: IndexNode, output: Output): void {
  let lastLine = ''
  setInterval(() => {
    const s = node.services.index.stats()
    const { relay, stun } = node.services.index.meetingPoint()
    const line = [
      `${s.peersOnline} peer(s) online, ${s.books} book(s), ${s.providers} provider record(s)`,
      ...(relay != null ? [`relay: ${relay.reservations} reservation(s), ${relay.open} circuit(s) open, ${formatSize(relay.bytes)} relayed`] : []),
      ...(stun != null ? [`STUN: ${stun.answered} answered`] : [])
    ].join('; ')
    if (line !== lastLine) {
      lastLine = line
      output.emit({ event: 'stats', ...s, relay, stun }, () => line)
    }
  }, STATS_INTERVAL_MS).unref()
}

export function addIndexCommand (program: Command): Command {
  return addHttpOptions(program.command('index'))
    .description('run an index node: peers register their shelves with it and search it')
    .option('--listen <multiaddr>', 'address to listen on (repeatable); STUN listens on UDP at the same port and the next', collect)
    .option('--announce <multiaddr>', 'address peers reach this index at, e.g. the public side of a port forward (repeatable)', collect)
    .option('--no-relay', 'run no relay for peers behind NATs (they then cannot be reached by peers behind other NATs)')
    .option('--data <dir>', 'folder for the peer key and the catalog database', INDEX_DEFAULTS.DEFAULT_DATA_DIR)
    .option('--ttl <seconds>', 'lease granted to peers that ask for none', positiveInt, INDEX_DEFAULTS.DEFAULT_TTL_SECONDS)
    .option('--grace <seconds>', 'how long a disconnected peer stays in results', positiveInt, INDEX_DEFAULTS.DISCONNECT_GRACE_MS / 1000)
    .option('--dht', 'also run a node of the arkshare DHT (an entry point for peers)')
    .option('--max-books-per-peer <n>', 'books one peer may list', positiveInt, INDEX_DEFAULTS.MAX_BOOKS_PER_PEER)
    .option('--max-connections <n>', 'open connections at most', positiveInt, INDEX_DEFAULTS.MAX_CONNECTIONS)
    .option('--max-connections-per-ip <n>', 'open connections from one IP address at most', positiveInt, INDEX_DEFAULTS.MAX_CONNECTIONS_PER_IP)
    .option('--max-new-connections-per-ip <n>', 'new inbound connections per second from one IP address at most (more are closed at once)', positiveInt, INDEX_DEFAULTS.INBOUND_CONNECTIONS_PER_SECOND)
    .option('--max-open-streams <n>', 'register and search streams served at once, in all', positiveInt, INDEX_DEFAULTS.MAX_OPEN_STREAMS)
    .option('--max-open-streams-per-ip <n>', 'register and search streams served at once to one IP address', positiveInt, INDEX_DEFAULTS.MAX_OPEN_STREAMS_PER_ADDRESS)
    .option('--deny <file>', 'rules file: peer IDs and IP ranges to deny or allow, re-read on change')
    .option('--max-searches-per-minute <n>', 'searches one peer may make per minute', positiveInt, INDEX_DEFAULTS.SEARCHES_PER_MINUTE)
    .option('--max-registrations-per-minute <n>', 'register requests one peer may make per minute', positiveInt, INDEX_DEFAULTS.REGISTRATIONS_PER_MINUTE)
    .option('--heap-growth <percent>', `how far the JS heap may grow past its live data before a full collection, percent; while full collections come back to back on a flat heap, at least ${HEAP_MIN_HEADROOM_MIB} MiB (0: V8 decides)`, nonNegativeInt, INDEX_DEFAULTS.HEAP_GROWTH_PERCENT)
    .option('--config <file>', `settings, one "name = value" a line named as these options (default: <data>/${INDEX_DEFAULTS.CONFIG_FILE}); a flag given here wins`)
    .option('--json', 'machine-readable output, one JSON object per line')
    .hook('preAction', async (command) => { await applyConfigFile(command, INDEX_DEFAULTS.CONFIG_FILE) })
    .action(async (opts: IndexCommandOptions) => {
      const output = createOutput(opts.json === true)
      // V8 lets the heap grow up to ~4x its live data between full collections when allocation is
      // fast: a burst of registrations then leaves hundreds of MiB of garbage in RSS (bench:index at
      // 1M books: 1,054 MiB with V8's sizing, 720-731 at 50 %). A long-lived index trades a few more
      // collections for it; a small heap collected back to back gets a floor (heap-growth.ts).
      limitHeapGrowth(opts.heapGrowth)
      const web = new HttpFace(opts)
      const node = await createIndexNode({ ...indexNodeOptions(opts), metricsRegistry: web.registry })
      await web.create(async (init) => await createIndexHttp(node, init))
      stopOnSignals(node, output, async () => { await web.stop() }, INDEX_DEFAULTS.STOP_TIMEOUT_MS)
      announce(output, node, 'index')
      await web.start(output)
      printStatsWhenChanged(node, output)
    })
}
