// What this peer is uploading: book bytes sent to each remote peer, with a rate over the last few
// seconds, for the uploads view and its counters. Peers idle for a while are forgotten.

/** The rate covers this many whole seconds before the current one. */
const WINDOW_SECONDS = 5
/** A peer that received nothing for this long leaves the list. */
const IDLE_MS = 30_000

export interface UploadPeer {
  peerId: string
  /** Fetch streams being served to it now. */
  streams: number
  /** Book bytes sent to it since it appeared in the list. */
  bytes: number
  bytesPerSecond: number
}

interface PeerCounters {
  streams: number
  bytes: number
  /** Bytes sent in each of the last seconds, keyed by the second. */
  seconds: Map<number, number>
  lastAt: number
}

export class UploadMeter {
  /** Book bytes sent since start, to every peer. */
  bytesSent = 0
  private readonly peers = new Map<string, PeerCounters>()

  constructor (private readonly now: () => number = Date.now) {}

  private counters (peer: string): PeerCounters {
    let c = this.peers.get(peer)
    if (c == null) {
      c = { streams: 0, bytes: 0, seconds: new Map(), lastAt: this.now() }
      this.peers.set(peer, c)
    }
    return c
  }

  /** A stream to `peer` starts being served; the returned function ends it. */
  begin (peer: string): () => void {
    const c = this.counters(peer)
    c.streams++
    let ended = false
    return () => {
      if (ended) return
      ended = true
      c.streams--
      c.lastAt = this.now()
    }
  }

  sent (peer: string, bytes: number): void {
    const c = this.counters(peer)
    const now = this.now()
    const second = Math.floor(now / 1000)
    c.seconds.set(second, (c.seconds.get(second) ?? 0) + bytes)
    for (const s of c.seconds.keys()) if (s < second - WINDOW_SECONDS) c.seconds.delete(s)
    c.bytes += bytes
    c.lastAt = now
    this.bytesSent += bytes
  }

  /** Peers served now or lately, fastest first. */
  list (): UploadPeer[] {
    const now = this.now()
    const second = Math.floor(now / 1000)
    const out: UploadPeer[] = []
    for (const [peerId, c] of this.peers) {
      if (c.streams === 0 && now - c.lastAt > IDLE_MS) {
        this.peers.delete(peerId)
        continue
      }
      let recent = 0
      for (const [s, bytes] of c.seconds) if (s >= second - WINDOW_SECONDS && s < second) recent += bytes
      out.push({ peerId, streams: c.streams, bytes: c.bytes, bytesPerSecond: recent / WINDOW_SECONDS })
    }
    return out.sort((a, b) => b.bytesPerSecond - a.bytesPerSecond)
  }
}
