// Whether a provider is listed: a live lease and, once disconnected, the grace period. One rule for
// searches, browsing, the providers of a hit and the live counts.
import { INITIAL_SIZE } from './constants.js'
import { grow } from './grow.js'

export class PeerLiveness {
  // by peers.id: lease end and disconnect time (NaN while connected)
  private peerLease = new Float64Array(INITIAL_SIZE)
  private peerDisconnected = new Float64Array(INITIAL_SIZE).fill(Number.NaN)

  /** Records a peer's lease and connection state; a removed peer is a lease of 0. */
  set (peer: number, leaseExpiresAt: number, disconnectedAt: number | null): void {
    if (peer >= this.peerLease.length) {
      const size = Math.max(peer + 1, this.peerLease.length * 2)
      this.peerLease = grow(this.peerLease, size)
      this.peerDisconnected = grow(this.peerDisconnected, size, Number.NaN)
    }
    this.peerLease[peer] = leaseExpiresAt
    this.peerDisconnected[peer] = disconnectedAt ?? Number.NaN
  }

  /** When a peer stops being listed: its lease end, or the end of its grace period once disconnected. */
  listedUntil (peer: number, graceMs: number): number {
    if (peer >= this.peerLease.length) return 0
    const disconnected = this.peerDisconnected[peer]
    return Number.isNaN(disconnected) ? this.peerLease[peer] : Math.min(this.peerLease[peer], disconnected + graceMs)
  }

  /** Whether a peer is listed at `now` (one disconnected at or before graceStart is not). */
  isListed (peer: number, now: number, graceStart: number): boolean {
    return this.listedUntil(peer, now - graceStart) > now
  }

  /** Peers with a live lease, and peers listed. */
  count (now: number, graceStart: number): { registered: number, listed: number } {
    let registered = 0
    let listed = 0
    for (let peer = 0; peer < this.peerLease.length; peer++) {
      if (this.peerLease[peer] > now) registered++
      if (this.isListed(peer, now, graceStart)) listed++
    }
    return { registered, listed }
  }
}
