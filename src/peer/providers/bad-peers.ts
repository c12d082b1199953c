// Providers caught sending bad data: every download skips them for a while.
import { BAD_PEER_MS } from '../constants.js'
import type { BadPeers } from '../download/index.js'

export class BadPeerList implements BadPeers {
  private readonly peers = new Map<string, { until: number, reason: string }>()

  /** @param skipMs - how long a bad peer is skipped, BAD_PEER_MS by default */
  constructor (private readonly skipMs = BAD_PEER_MS) {}

  has (peer: string): boolean {
    const entry = this.peers.get(peer)
    if (entry != null && entry.until < Date.now()) this.peers.delete(peer)
    return this.peers.has(peer)
  }

  /** The peers skipped now, why, and until when (ms since the epoch). */
  list (): Array<{ peerId: string, reason: string, until: number }> {
    const now = Date.now()
    const out: Array<{ peerId: string, reason: string, until: number }> = []
    for (const [peerId, { until, reason }] of this.peers) {
      if (until < now) this.peers.delete(peerId)
      else out.push({ peerId, reason, until })
    }
    return out
  }

  add (peer: string, reason: string): void {
    this.peers.set(peer, { until: Date.now() + this.skipMs, reason })
  }
}
