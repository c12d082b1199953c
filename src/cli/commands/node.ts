// `arkshare node`: runs a peer until signalled: shares folders, registers with indexes, and reads
// shell commands from stdin.
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { limitHeapGrowth } from '../../runtime/heap-growth.js'
import { HEAP_MIN_HEADROOM_MIB } from '../../runtime/constants.js'
import { PEER_DEFAULTS } from '../../peer/index.js'
import { createArkshareNode, type ArkshareNode, type ArkshareNodeOptions } from '../../node/create-node.js'
import { createPeerHttp } from '../../http/index.js'
import { addHttpOptions, HttpFace, type HttpCommandOptions } from '../http.js'
import { announce, stopOnSignals } from '../lifecycle.js'
import { collect, limit, nonNegativeInt, positiveInt, rate, requireIndexOrBootstrap } from '../options.js'
import { applyConfigFile, configPath } from '../config-file.js'
import { reportDownloads } from '../download-events.js'
import { createOutput, formatSize, type Output } from '../output.js'
import { startShell, SHELL_HELP } from '../shell.js'

export interface NodeCommandOptions extends HttpCommandOptions {
  index?: string[]
  dht?: boolean
  bootstrap?: string[]
  share?: string[]
  downloads: string
  listen?: string[]
  announce?: string[]
  upnp: boolean
  data: string
  ttl?: number
  maxUpload?: number
  maxUploadPerPeer?: number
  maxDownload?: number
  uploadSlots: number
  maxActiveDownloads: number
  maxOpenStreams: number
  maxOpenStreamsPerIp: number
  deny?: string
  config?: string
  heapGrowth: number
  json?: boolean
}

/** The peer node the options ask for (paths from the working directory). */
export function peerNodeOptions (opts: NodeCommandOptions): ArkshareNodeOptions {
  return {
    listen: opts.listen,
    announce: opts.announce,
    upnp: opts.upnp,
    dataDir: resolve(opts.data),
    indexes: opts.index ?? [],
    dht: opts.dht === true,
    bootstrap: opts.bootstrap,
    share: (opts.share ?? []).map(d => resolve(d)),
    downloads: resolve(opts.downloads),
    ttlSeconds: opts.ttl,
    maxUploadBytesPerSecond: limit(opts.maxUpload),
    maxUploadBytesPerSecondPerPeer: limit(opts.maxUploadPerPeer),
    maxDownloadBytesPerSecond: limit(opts.maxDownload),
    uploadSlots: opts.uploadSlots,
    maxActiveDownloads: opts.maxActiveDownloads,
    maxOpenStreams: opts.maxOpenStreams,
    maxOpenStreamsPerAddress: opts.maxOpenStreamsPerIp,
    accessRulesFile: opts.deny != null ? resolve(opts.deny) : undefined,
    // limits changed at runtime are saved where they were read from
    settingsFile: configPath(opts, PEER_DEFAULTS.CONFIG_FILE)
  }
}

/** The `shelf` event: what the peer shares now, and again whenever its folders change. */
function reportShelf (node: ArkshareNode, output: Output): void {
  const books = node.services.arkshare.list()
  const bytes = books.reduce((n, b) => n + b.size, 0)
  output.emit({ event: 'shelf', books: books.length, bytes }, () => `Sharing ${books.length} book(s) (${formatSize(bytes)}).`)
  node.services.arkshare.addEventListener('shelf:change', (evt) => {
    output.emit({ event: 'shelf', books: evt.detail.total, added: evt.detail.added, removed: evt.detail.removed },
      () => `Shelf changed: +${evt.detail.added} -${evt.detail.removed} (${evt.detail.total} book(s)).`)
  })
}

export function addNodeCommand (program: Command): Command {
  return addHttpOptions(program.command('node'))
    .description('run a peer: share folders, register with indexes, and read shell commands from stdin')
    .option('--index <multiaddr>', 'an index node to register with and search (repeatable)', collect)
    .option('--dht', 'also announce books in the arkshare DHT and find providers there when no index answers')
    .option('--bootstrap <multiaddr>', 'a peer to connect to at start, e.g. a DHT entry point (repeatable)', collect)
    .option('--share <dir>', 'a folder of books to share (repeatable)', collect)
    .option('--downloads <dir>', 'where downloaded books go (shared too)', PEER_DEFAULTS.DEFAULT_DOWNLOADS_DIR)
    .option('--listen <multiaddr>', 'address to listen on (repeatable)', collect)
    .option('--announce <multiaddr>', 'address others reach this peer at, e.g. the public side of a port forward (repeatable)', collect)
    .option('--no-upnp', 'do not ask the home router to forward a port (UPnP)')
    .option('--data <dir>', 'folder for the peer key and the hash cache', PEER_DEFAULTS.DEFAULT_DATA_DIR)
    .option('--ttl <seconds>', 'lease to ask the index for (default: the index\'s)', positiveInt)
    .option('--max-upload <rate>', 'upload limit for all peers together, e.g. 2MiB/s', rate)
    .option('--max-upload-per-peer <rate>', 'upload limit for each remote peer', rate)
    .option('--max-download <rate>', 'download limit, e.g. 5MiB/s', rate)
    .option('--upload-slots <n>', 'peers served at once; others queue', positiveInt, PEER_DEFAULTS.UPLOAD_SLOTS)
    .option('--max-active-downloads <n>', 'downloads running at once; others wait in the list', positiveInt, PEER_DEFAULTS.MAX_ACTIVE_DOWNLOADS)
    .option('--max-open-streams <n>', 'download streams served at once (queued ones too), in all', positiveInt, PEER_DEFAULTS.MAX_OPEN_STREAMS)
    .option('--max-open-streams-per-ip <n>', 'download streams served at once to one IP address', positiveInt, PEER_DEFAULTS.MAX_OPEN_STREAMS_PER_ADDRESS)
    .option('--deny <file>', 'rules file: peer IDs and IP ranges to deny or allow, re-read on change')
    .option('--config <file>', `settings, one "name = value" a line named as these options (default: <data>/${PEER_DEFAULTS.CONFIG_FILE}); a flag given here wins`)
    .option('--heap-growth <percent>', `how far the JS heap may grow past its live data before a full collection, percent; while full collections come back to back on a flat heap, at least ${HEAP_MIN_HEADROOM_MIB} MiB (0: V8 decides)`, nonNegativeInt, PEER_DEFAULTS.HEAP_GROWTH_PERCENT)
    .option('--json', 'machine-readable output, one JSON object per line')
    .addHelpText('after', `\n${SHELL_HELP}`)
    .hook('preAction', async (command) => { await applyConfigFile(command, PEER_DEFAULTS.CONFIG_FILE) })
    .action(async (opts: NodeCommandOptions) => {
      const output = createOutput(opts.json === true)
      requireIndexOrBootstrap(opts)
      limitHeapGrowth(opts.heapGrowth)
      const web = new HttpFace(opts)
      const options = peerNodeOptions(opts)
      const node = await createArkshareNode({ ...options, metricsRegistry: web.registry })
      await web.create(async (init) => await createPeerHttp(node, { ...init, roots: [...options.share ?? [], ...options.downloads != null ? [options.downloads] : []] }))
      // the shell starts last (after the listening line) but a signal before then must not miss it
      const running: { shell?: { close: () => void } } = {}
      const stop = stopOnSignals(node, output, async () => {
        running.shell?.close()
        await web.stop()
      })
      announce(output, node, 'peer')
      await web.start(output)
      reportShelf(node, output)
      reportDownloads(node.services.arkshare, output)
      running.shell = startShell({ node, output, onQuit: () => { void stop() } })
    })
}
