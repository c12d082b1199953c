// How the CLI's nodes live: long-running ones announce where they listen and stop on a signal;
// one-shot ones run a job on a node that listens nowhere, then exit with its status.
import { createArkshareNode, type ArkshareNode, type ArkshareNodeOptions } from '../node/create-node.js'
import { PEER_DEFAULTS } from '../peer/index.js'
import { errorMessage } from './errors.js'
import type { Output } from './output.js'
import type { Libp2p } from '@libp2p/interface'

/** A node that cannot stop within this long is abandoned, so a signal always ends the process. */
const STOP_TIMEOUT_MS = 5_000

/**
 * Stops the node on SIGINT/SIGTERM (or `quit`), within a bounded time (`timeoutMs`, 5 s unless
 * told), then exits; `extra` runs first.
 */
export function stopOnSignals (node: Libp2p, output: Output, extra?: () => void | Promise<void>, timeoutMs = STOP_TIMEOUT_MS): () => Promise<void> {
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    const force = setTimeout(() => {
      output.error(`could not stop cleanly within ${timeoutMs / 1000} s; exiting anyway`)
      process.exit(1)
    }, timeoutMs)
    force.unref()
    try {
      await extra?.()
    } catch (err) {
      output.error(`while stopping: ${errorMessage(err)}`)
    }
    try {
      await node.stop()
    } catch (err) {
      output.error(`while stopping: ${errorMessage(err)}`)
    }
    output.emit({ event: 'stopped' })
    process.exit(0)
  }
  process.once('SIGINT', () => { void stop() })
  process.once('SIGTERM', () => { void stop() })
  return stop
}

/** The `listening` event: the node's peer ID and the addresses others reach it at. */
export function announce (output: Output, node: Libp2p, role: string): void {
  const multiaddrs = node.getMultiaddrs().map(a => a.toString())
  output.emit({ event: 'listening', role, peerId: node.peerId.toString(), multiaddrs },
    () => [`arkshare ${role} ${node.peerId.toString()} listening on:`, ...multiaddrs.map(a => `  ${a}`)].join('\n'))
}

/** A one-shot DHT lookup needs at least one connected peer to start from; one dial's time is enough. */
export async function waitForBootstrap (node: ArkshareNode): Promise<void> {
  const deadline = Date.now() + PEER_DEFAULTS.DIAL_TIMEOUT_MS
  while (node.getConnections().length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
}

/** Runs a one-shot command on a short-lived node that listens nowhere, then exits with its status. */
export async function oneShot (output: Output, indexes: string[], extra: ArkshareNodeOptions, job: (node: ArkshareNode) => Promise<void>): Promise<void> {
  const node = await createArkshareNode({ listen: [], indexes, ...extra })
  let code = 0
  try {
    await job(node)
  } catch (err) {
    output.error(errorMessage(err))
    code = 1
  } finally {
    await Promise.resolve(node.stop()).catch(() => {})
  }
  process.exit(code)
}
