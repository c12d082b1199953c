// arkshare's CLI in the NAT lab: an index on a public host, peers in homes or on the internet,
// each driven through its JSON shell as a user's would be.
import { join } from 'node:path'
import type { CliProcess } from '../cli-process.js'
import type { NatLab } from './lab.js'

/** The port every lab index listens on (an operator's choice; STUN answers on it and the next, over UDP). */
const INDEX_PORT = 4001

export interface LabIndex { proc: CliProcess, addr: string }

export async function startLabIndex (lab: NatLab, host: string, dir: string, extra: string[] = []): Promise<LabIndex> {
  const proc = lab.cli(host, ['index', '--listen', `/ip4/0.0.0.0/tcp/${INDEX_PORT}`, '--data', join(dir, host), '--json', ...extra], { stdin: 'ignore' })
  const listening = await proc.waitFor(e => e.event === 'listening')
  const addr = (listening.multiaddrs as string[]).find(a => a.startsWith(`/ip4/${lab.address(host)}/`))
  if (addr == null) throw new Error(`the index announced no address on ${lab.address(host)}: ${listening.multiaddrs.join(', ')}`)
  return { proc, addr }
}

export interface LabPeer {
  proc: CliProcess
  peerId: string
  /** Runs a shell command and collects the JSON events it printed, up to one matching `last` (or an error, or a failed download). */
  run: (command: string, last: (event: Record<string, any>) => boolean, timeoutMs?: number) => Promise<Array<Record<string, any>>>
}

export async function startLabPeer (lab: NatLab, host: string, index: LabIndex, dir: string, options: { share?: string, extra?: string[], env?: NodeJS.ProcessEnv } = {}): Promise<LabPeer> {
  const args = ['node', '--index', index.addr, '--data', join(dir, host, 'data'), '--downloads', join(dir, host, 'downloads'), '--json',
    ...(options.share != null ? ['--share', options.share] : []), ...(options.extra ?? [])]
  const proc = lab.cli(host, args, { env: options.env })
  const listening = await proc.waitFor(e => e.event === 'listening')
  // the shell runs one command at a time: commands sent together are answered in order
  let queue: Promise<unknown> = Promise.resolve()
  const run = async (command: string, last: (event: Record<string, any>) => boolean, timeoutMs = 30_000): Promise<Array<Record<string, any>>> => {
    const turn = queue.then(async () => {
      const from = proc.events.length
      proc.send(command)
      const end = await proc.waitFor(e => proc.events.indexOf(e) >= from && (last(e) || e.event === 'error' || e.event === 'failed'), timeoutMs)
      return proc.events.slice(from, proc.events.indexOf(end) + 1)
    })
    queue = turn.catch(() => {})
    return await turn
  }
  return { proc, peerId: listening.peerId, run }
}

/** This peer's reachability, as `status` reports it. */
export async function reachabilityOf (peer: LabPeer): Promise<Record<string, any>> {
  const events = await peer.run('status', e => e.event === 'reachability')
  return events[events.length - 1]
}

/** Polls `check` every half second until it returns something, within `timeoutMs`. */
export async function until<T> (check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  throw new Error(`timed out waiting for ${what}${last != null ? `: ${String(last)}` : ''}`)
}
