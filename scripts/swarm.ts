// A local arkshare swarm: one index and N sharing peers (separate processes, loopback only), each
// with generated sample books, then an interactive shell on one more peer. Ctrl-C stops them all.
//   npm run swarm -- --peers 5 [--dir .arkshare/swarm] [--no-shell]
import { spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { generateShelves } from './sample-books.js'
import { cliPath, startCli, stopCli, type CliProcess } from './cli-process.js'

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      peers: { type: 'string', default: '5' },
      dir: { type: 'string', default: '.arkshare/swarm' },
      'no-shell': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }
    }
  })
  if (values.help === true) {
    process.stdout.write('usage: npm run swarm -- [--peers N] [--dir DIR] [--no-shell]\n')
    return
  }
  const peers = Number(values.peers)
  if (!Number.isInteger(peers) || peers < 1 || peers > 50) throw new Error('--peers must be a whole number from 1 to 50')
  const dir = resolve(values.dir as string)
  await mkdir(dir, { recursive: true })

  process.stdout.write(`Generating sample books for ${peers} peer(s) in ${join(dir, 'shelves')} ...\n`)
  const shelves = await generateShelves(join(dir, 'shelves'), peers)

  const children: CliProcess[] = []
  let stopping = false
  const stopAll = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    process.stdout.write('\nStopping the swarm ...\n')
    await Promise.all(children.map(async c => { await stopCli(c) }))
    process.exit(0)
  }
  process.on('SIGINT', () => { void stopAll() })
  process.on('SIGTERM', () => { void stopAll() })

  const index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json'], { stdin: 'ignore' })
  children.push(index)
  const listening = await index.waitFor(e => e.event === 'listening')
  const indexAddr: string = listening.multiaddrs[0]

  const started = await Promise.all(shelves.map(async (shelf, i) => {
    const name = `peer-${i + 1}`
    const peer = startCli(['node', '--index', indexAddr, '--share', shelf, '--downloads', join(dir, name, 'downloads'),
      '--data', join(dir, name, 'data'), '--listen', LOOPBACK, '--json'], { stdin: 'ignore' })
    children.push(peer)
    await peer.waitFor(e => e.event === 'listening')
    const shelfEvent = await peer.waitFor(e => e.event === 'shelf')
    return `${name}: ${shelfEvent.books} book(s)`
  }))

  process.stdout.write([
    '',
    `Index: ${indexAddr}`,
    ...started.map(s => `  ${s}`),
    '',
    'Join from another terminal with:',
    `  npx arkshare node --index ${indexAddr} --share <folder>`,
    ''
  ].join('\n') + '\n')

  if (values['no-shell'] === true) {
    process.stdout.write('Swarm running; Ctrl-C stops it.\n')
    return
  }
  process.stdout.write('Starting your own peer (try: search moby, get 1, list, peers, help). Ctrl-C or "quit" stops everything.\n\n')
  const me = spawn(process.execPath, [cliPath(), 'node', '--index', indexAddr, '--downloads', join(dir, 'me', 'downloads'),
    '--data', join(dir, 'me', 'data'), '--listen', LOOPBACK], { stdio: 'inherit' })
  me.on('exit', () => { void stopAll() })
}

main().catch((err) => {
  process.stderr.write(`swarm: ${(err as Error).message}\n`)
  process.exit(1)
})
