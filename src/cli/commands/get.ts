// `arkshare get <id>`: downloads one book on a short-lived node, with progress, then exits.
import type { Command } from 'commander'
import { isBookLink, parseBookLink } from '../../peer/index.js'
import { downloadWithProgress } from '../download-flow.js'
import { oneShot, waitForBootstrap } from '../lifecycle.js'
import { collect, limit, rate, requireIndexOrBootstrap } from '../options.js'
import { createOutput } from '../output.js'

/** Where `get` saves when not told: the working directory. */
const DEFAULT_OUT_DIR = '.'

export interface GetCommandOptions {
  index?: string[]
  dht?: boolean
  bootstrap?: string[]
  out: string
  maxDownload?: number
  json?: boolean
}

function namesProviders (text: string): boolean {
  try {
    return isBookLink(text) && parseBookLink(text).peers.length > 0
  } catch {
    return false
  }
}

export function addGetCommand (program: Command): Command {
  return program.command('get')
    .description('download one book by its ID or a book link')
    .argument('<id | link>', 'the book ID (from search), or a book link')
    .option('--index <multiaddr>', 'index node to find providers with (repeatable)', collect)
    .option('--dht', 'find providers in the arkshare DHT when no index answers')
    .option('--bootstrap <multiaddr>', 'a peer to join the DHT through (repeatable)', collect)
    .option('--out <dir>', 'folder to save into', DEFAULT_OUT_DIR)
    .option('--max-download <rate>', 'download limit, e.g. 5MiB/s', rate)
    .option('--json', 'progress events and a final done event, as JSON lines')
    .action(async (id: string, opts: GetCommandOptions) => {
      const output = createOutput(opts.json === true)
      // a link naming providers needs nothing else to find them
      if (!namesProviders(id)) requireIndexOrBootstrap(opts)
      await oneShot(output, opts.index ?? [], { maxDownloadBytesPerSecond: limit(opts.maxDownload), dht: opts.dht === true, bootstrap: opts.bootstrap }, async (node) => {
        if (opts.bootstrap != null) await waitForBootstrap(node)
        await downloadWithProgress(node.services.arkshare, output, id, { outDir: opts.out })
      })
    })
}
