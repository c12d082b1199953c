// Per-peer request rates on the index (OpenNap-style flood limits): each peer gets a bucket of
// requests per minute; a request over budget is refused with the seconds to wait.
import { TokenBucket, systemClock, type Clock } from './token-bucket.js'

export class PeerRateLimiter {
  private readonly buckets = new Map<string, { bucket: TokenBucket, used: number }>()

  /** @param perMinute requests a peer may make per minute; it may spend them in a burst */
  constructor (readonly perMinute: number, private readonly clock: Clock = systemClock) {}

  /** Returns 0 when the request may go ahead, else whole seconds until it may. */
  check (peer: string): number {
    let entry = this.buckets.get(peer)
    if (entry == null) {
      entry = { bucket: new TokenBucket(this.perMinute / 60, this.perMinute, this.clock), used: 0 }
      this.buckets.set(peer, entry)
      if (this.buckets.size > 50_000) this.evictIdle()
    }
    entry.used = this.clock.now()
    const waitMs = entry.bucket.tryTake(1)
    return waitMs === 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000))
  }

  /** A bucket idle for a minute is full again: dropping it changes nothing. */
  private evictIdle (): void {
    const now = this.clock.now()
    for (const [peer, e] of this.buckets) if (now - e.used > 60_000) this.buckets.delete(peer)
  }
}
