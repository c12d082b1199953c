// The arkshare command line as a commander program: the global options, then one command per module.
import { Command } from 'commander'
import { addBrowseCommand } from './commands/browse.js'
import { addGetCommand } from './commands/get.js'
import { addIndexCommand } from './commands/index-command.js'
import { addLinkCommand } from './commands/link.js'
import { addNodeCommand } from './commands/node.js'
import { addSearchCommand } from './commands/search.js'
import { addStatsCommand } from './commands/stats.js'
import { setDebug } from './errors.js'

export function buildProgram (): Command {
  const program = new Command()
  program
    .name('arkshare')
    .description('Share books peer to peer: an index knows who has what, peers fetch verified books from each other.')
    .option('--debug', 'show stack traces with errors')
    .hook('preAction', (cmd) => { setDebug(cmd.opts().debug === true) })
    .showHelpAfterError()
  // commands are created through program.command() so they inherit its settings (help after an
  // error); the order here is the order of `arkshare --help`
  for (const add of [addIndexCommand, addNodeCommand, addSearchCommand, addBrowseCommand, addStatsCommand, addGetCommand, addLinkCommand]) add(program)
  return program
}
