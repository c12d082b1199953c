// What this peer has measured about others: round-trip time (libp2p ping) and download
// throughput, as moving averages. Used to try the best providers first and shown in results.

export interface PeerMeasurement {
  rttMs?: number
  bytesPerSecond?: number
  updatedAt: number
}

const ALPHA = 0.3
const MAX_PEERS = 10_000

function ewma (previous: number | undefined, sample: number): number {
  return previous == null ? sample : previous + ALPHA * (sample - previous)
}

export class PeerStats {
  private readonly peers = new Map<string, PeerMeasurement>()

  get (peer: string): PeerMeasurement | undefined {
    return this.peers.get(peer)
  }

  private entry (peer: string): PeerMeasurement {
    let m = this.peers.get(peer)
    if (m == null) {
      if (this.peers.size >= MAX_PEERS) {
        // forget the stalest measurement
        const oldest = [...this.peers].sort((a, b) => a[1].updatedAt - b[1].updatedAt)[0]
        this.peers.delete(oldest[0])
      }
      m = { updatedAt: Date.now() }
      this.peers.set(peer, m)
    }
    m.updatedAt = Date.now()
    return m
  }

  /** Every peer measured, most recently first. */
  list (): Array<{ peerId: string } & PeerMeasurement> {
    return [...this.peers].map(([peerId, m]) => ({ peerId, ...m })).sort((a, b) => b.updatedAt - a.updatedAt)
  }

  recordRtt (peer: string, ms: number): void {
    const m = this.entry(peer)
    m.rttMs = ewma(m.rttMs, ms)
  }

  recordTransfer (peer: string, bytes: number, ms: number): void {
    if (ms <= 0 || bytes <= 0) return
    const m = this.entry(peer)
    m.bytesPerSecond = ewma(m.bytesPerSecond, (bytes / ms) * 1000)
  }

  /**
   * Best first: known throughput (fastest first), then known latency (lowest first), then the
   * rest in their given order (the index lists most recently renewed first).
   */
  rank<T extends { peerId: string }> (providers: T[]): T[] {
    const score = (p: T, i: number): [number, number, number] => {
      const m = this.peers.get(p.peerId)
      if (m?.bytesPerSecond != null) return [0, -m.bytesPerSecond, i]
      if (m?.rttMs != null) return [1, m.rttMs, i]
      return [2, 0, i]
    }
    return providers
      .map((p, i) => ({ p, s: score(p, i) }))
      .sort((a, b) => a.s[0] - b.s[0] || a.s[1] - b.s[1] || a.s[2] - b.s[2])
      .map(x => x.p)
  }
}
