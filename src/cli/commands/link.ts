// `arkshare link <file | id>`: prints a book link (protocols/links.md) people can pass on. A file is
// hashed here; for an ID, the indexes (with --index) tell its title, size, name and providers.
import { stat } from 'node:fs/promises'
import type { Command } from 'commander'
import { bookLinkForFile, formatBookLink, parseBookLink, isBookLink } from '../../peer/index.js'
import { oneShot } from '../lifecycle.js'
import { collect } from '../options.js'
import { createOutput } from '../output.js'

export interface LinkCommandOptions {
  index?: string[]
  peer?: string[]
  json?: boolean
}

async function isFile (path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true
}

/** `link` with the given provider hints first (the link keeps at most 3). */
function withPeers (link: string, peers: string[]): string {
  if (peers.length === 0) return link
  const parsed = parseBookLink(link)
  return formatBookLink({ ...parsed, peers: [...peers, ...parsed.peers] })
}

export function addLinkCommand (program: Command): Command {
  return program.command('link')
    .description('print a book link for a file (hashed here) or a book ID')
    .argument('<file | id>', 'a book file, a book ID or a book link')
    .option('--index <multiaddr>', 'index node to ask for the book\'s title, size and providers (repeatable)', collect)
    .option('--peer <multiaddr>', 'a provider to name in the link, ending in /p2p/<peer ID> (repeatable)', collect)
    .option('--json', 'one JSON object: {"event":"link","id","link"}')
    .action(async (target: string, opts: LinkCommandOptions) => {
      const output = createOutput(opts.json === true)
      const print = (link: string): void => { output.emit({ event: 'link', id: parseBookLink(link).id.toString(), link }, () => link) }
      const peers = opts.peer ?? []
      if (await isFile(target)) {
        print(await bookLinkForFile(target, peers))
      } else if ((opts.index ?? []).length > 0) {
        await oneShot(output, opts.index ?? [], {}, async (node) => { print(withPeers(await node.services.arkshare.bookLink(target), peers)) })
      } else {
        // an ID alone, or a link read and written again (its hints checked)
        print(withPeers(formatBookLink(isBookLink(target) ? parseBookLink(target) : parseBookLink(`arkshare:${target.trim()}`)), peers))
      }
    })
}
