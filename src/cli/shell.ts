// The interactive arkshare shell of `arkshare node`: one command per line from stdin, TTY or not,
// so people can type and scripts can pipe. Commands run one at a time, in order.
import { createInterface } from 'node:readline'
import { printIndexStats, printPeers, printReachability, printSearchResults, printShelf, type PeerRow } from './render.js'
import { errorMessage } from './errors.js'
import { DOWNLOAD_HELP, runDownloadCommand } from './shell-downloads.js'
import { LIMITS_HELP, runLimitsCommand } from './shell-limits.js'
import type { Output } from './output.js'
import type { ArkshareNode } from '../node/create-node.js'
import { parseBookLink, type SearchResults } from '../peer/index.js'

export const SHELL_HELP = `Commands:
  search <words>     find books on the index (every word must match; "quoted phrase", -exclude, format:epub)
  browse <peer id>   list everything one peer shares
${DOWNLOAD_HELP}
  link <id | #>      a book link to pass on (a book on this shelf names this peer as its provider)
  list               the books this peer shares
  peers              connected peers, with measured latency and how each is reached (direct, hole-punched, relayed)
  status             whether others can reach this peer, and its registrations with its indexes
  stats              peers online, books and providers, as each index counts them
${LIMITS_HELP}
  help               this text
  quit               stop the node`

export interface ShellOptions {
  node: ArkshareNode
  output: Output
  input?: NodeJS.ReadableStream
  onQuit: () => void
}

async function peersWithLatency (node: ArkshareNode): Promise<PeerRow[]> {
  const arkshare = node.services.arkshare
  const indexPeers = new Set(arkshare.indexes().map(s => s.peerId).filter(p => p != null))
  return await Promise.all(node.getConnections().map(async connection => {
    const peerId = connection.remotePeer.toString()
    let latencyMs: number | undefined
    try {
      latencyMs = await node.services.ping.ping(connection.remotePeer, { signal: AbortSignal.timeout(2_000), runOnLimitedConnection: true })
    } catch { /* unreachable for ping: shown as "-" */ }
    return { peerId, addresses: [connection.remoteAddr.toString()], latencyMs, role: indexPeers.has(peerId) ? 'index' : 'peer', connection: arkshare.connectionKind(connection) }
  }))
}

export function startShell (options: ShellOptions): { close: () => void } {
  const { node, output } = options
  const input = options.input ?? process.stdin
  const interactive = (input as NodeJS.ReadStream).isTTY === true && !output.json
  const rl = createInterface({ input, output: interactive ? process.stdout : undefined, terminal: interactive })
  let last: SearchResults | undefined
  let queue = Promise.resolve()
  let closed = false

  const prompt = (): void => { if (interactive && !closed) rl.prompt() }
  if (interactive) rl.setPrompt('arkshare> ')

  // in JSON, the results of a search are followed by a summary, so a script knows the search ended
  // (even with nothing found)
  const searched = (results: SearchResults): void => {
    if (output.json) output.emit({ event: 'searched', results: results.results.length, total: results.total, failures: results.failures.length })
  }

  /** A book ID, link, or the number of a result of the last search. */
  const bookId = (arg: string): string => {
    if (!/^\d+$/.test(arg)) return arg
    const id = last?.results[Number(arg) - 1]?.book.id
    if (id == null) throw new Error(`no result #${arg} in the last search`)
    return id
  }

  const run = async (line: string): Promise<void> => {
    const [command, ...rest] = line.trim().split(/\s+/)
    const args = rest.join(' ')
    const arkshare = node.services.arkshare
    switch (command) {
      case '':
        return
      case 'search':
        if (args === '') throw new Error('usage: search <words>')
        last = await arkshare.search(args, { measure: true })
        printSearchResults(output, last)
        searched(last)
        return
      case 'browse':
        if (args === '') throw new Error('usage: browse <peer id>')
        last = await arkshare.browse(args)
        printSearchResults(output, last)
        searched(last)
        return
      case 'link': {
        if (args === '') throw new Error('usage: link <id | #>')
        const link = await arkshare.bookLink(bookId(args))
        output.emit({ event: 'link', id: parseBookLink(link).id.toString(), link }, () => link)
        return
      }
      case 'list':
        printShelf(output, arkshare.list())
        return
      case 'peers':
        printPeers(output, await peersWithLatency(node))
        return
      case 'status':
        printReachability(output, arkshare.reachability())
        for (const s of arkshare.indexes()) {
          output.emit({ event: 'index', ...s }, () => `${s.address}: ${s.registered ? `registered${s.how === 'resumed' ? ' (resumed)' : ''}, ${s.books} book(s), lease ${s.leaseSeconds} s` : `not registered${s.lastError != null ? ` (${s.lastError})` : ''}`}`)
        }
        return
      case 'stats':
        printIndexStats(output, await arkshare.indexStats())
        return
      case 'limits':
        await runLimitsCommand(arkshare, output, args)
        return
      case 'help':
        output.info(SHELL_HELP)
        return
      case 'quit':
      case 'exit':
        closed = true
        rl.close()
        options.onQuit()
        return
      default:
        if (!runDownloadCommand(arkshare, output, command, args, bookId)) throw new Error(`unknown command "${command}" (try: help)`)
    }
  }

  rl.on('line', (line) => {
    queue = queue.then(async () => {
      if (closed) return
      try {
        await run(line)
      } catch (err) {
        output.error(errorMessage(err))
      }
      prompt()
    })
  })
  // with stdin closed (a daemon, a finished script) the node keeps serving until signalled;
  // at a terminal, Ctrl-D quits like any shell
  rl.on('close', () => {
    const wasOpen = !closed
    closed = true
    if (interactive && wasOpen) options.onQuit()
  })
  // a terminal in raw mode turns Ctrl-C into a readline event instead of a signal
  rl.on('SIGINT', () => {
    closed = true
    rl.close()
    options.onQuit()
  })
  if (interactive) output.info('Type "help" for commands.')
  prompt()
  return { close: () => { closed = true; rl.close() } }
}
