// `arkshare stats`: asks the indexes once for their counts; fails when none answers.
import type { Command } from 'commander'
import { oneShot } from '../lifecycle.js'
import { collect } from '../options.js'
import { createOutput } from '../output.js'
import { printIndexStats } from '../render.js'

export interface StatsCommandOptions {
  index: string[]
  json?: boolean
}

export function addStatsCommand (program: Command): Command {
  return program.command('stats')
    .description('ask indexes for their counts: peers online, books, providers')
    .requiredOption('--index <multiaddr>', 'index node to ask (repeatable)', collect)
    .option('--json', 'one JSON object per index')
    .action(async (opts: StatsCommandOptions) => {
      const output = createOutput(opts.json === true)
      await oneShot(output, opts.index, {}, async (node) => {
        const stats = await node.services.arkshare.indexStats()
        printIndexStats(output, stats)
        if (stats.every(s => s.stats == null)) throw new Error(`no index answered: ${stats.map(s => s.error).join('; ')}`)
      })
    })
}
