// What `search` and `browse` share: a one-shot query to the indexes that prints one page of books.
import type { Command } from 'commander'
import { PEER_DEFAULTS, type SearchResults } from '../../peer/index.js'
import type { ArkshareNode } from '../../node/create-node.js'
import { oneShot } from '../lifecycle.js'
import { collect, nonNegativeInt, positiveInt } from '../options.js'
import { createOutput } from '../output.js'
import { printSearchResults } from '../render.js'

export interface PagedQueryOptions {
  index: string[]
  limit: number
  offset: number
  json?: boolean
}

export interface PagedQuery<A> {
  name: string
  description: string
  /** The positional argument: its syntax and its description. */
  argument: [string, string]
  defaultLimit: number
  query: (node: ArkshareNode, arg: A, page: { limit: number, offset: number }) => Promise<SearchResults>
}

export function addPagedQueryCommand<A> (program: Command, spec: PagedQuery<A>): Command {
  return program.command(spec.name)
    .description(spec.description)
    .argument(spec.argument[0], spec.argument[1])
    .requiredOption('--index <multiaddr>', 'index node to ask (repeatable)', collect)
    .option('--limit <n>', `results wanted (at most ${PEER_DEFAULTS.MAX_SEARCH_LIMIT} a page)`, positiveInt, spec.defaultLimit)
    .option('--offset <n>', 'results to skip, for the next page', nonNegativeInt, 0)
    .option('--json', 'one JSON object per book')
    .action(async (arg: A, opts: PagedQueryOptions) => {
      const output = createOutput(opts.json === true)
      await oneShot(output, opts.index, {}, async (node) => {
        printSearchResults(output, await spec.query(node, arg, { limit: opts.limit, offset: opts.offset }), opts.offset)
      })
    })
}
