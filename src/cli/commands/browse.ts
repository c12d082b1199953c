// `arkshare browse <peer-id>`: lists one page of everything one peer shares, as the indexes know it.
import type { Command } from 'commander'
import { PEER_DEFAULTS } from '../../peer/index.js'
import { addPagedQueryCommand } from './paged-query.js'

export function addBrowseCommand (program: Command): Command {
  return addPagedQueryCommand(program, {
    name: 'browse',
    description: 'list everything one peer shares',
    argument: ['<peer-id>', 'the peer (from search results or `peers`)'],
    defaultLimit: PEER_DEFAULTS.DEFAULT_BROWSE_LIMIT,
    query: async (node, peerId: string, page) => await node.services.arkshare.browse(peerId, page)
  })
}
