// `arkshare search <terms...>`: searches the indexes once and prints one page of results.
import type { Command } from 'commander'
import { PEER_DEFAULTS } from '../../peer/index.js'
import { addPagedQueryCommand } from './paged-query.js'

export function addSearchCommand (program: Command): Command {
  return addPagedQueryCommand(program, {
    name: 'search',
    description: 'search the index once and print the results',
    argument: ['<terms...>', 'words to search for'],
    defaultLimit: PEER_DEFAULTS.DEFAULT_SEARCH_LIMIT,
    query: async (node, terms: string[], page) => await node.services.arkshare.search(terms.join(' '), { ...page, measure: true })
  })
}
