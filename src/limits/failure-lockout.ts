// Addresses that keep failing (wrong tokens, say) are refused for a while: a number of failures a
// minute is forgiven, the next locks the address out, so guessing a secret stays hopeless.
import { PeerRateLimiter } from './peer-rate-limiter.js'
import { systemClock, type Clock } from './token-bucket.js'

/** Locked addresses kept at most; expired ones are dropped first when it is reached. */
const MAX_LOCKED = 10_000

export class FailureLockout {
  private readonly failures: PeerRateLimiter
  private readonly lockedUntil = new Map<string, number>()

  /**
   * @param failuresPerMinute failures one address may have a minute (in a burst, if it likes)
   * @param lockMs how long an address past them is refused
   */
  constructor (failuresPerMinute: number, private readonly lockMs: number, private readonly clock: Clock = systemClock) {
    this.failures = new PeerRateLimiter(failuresPerMinute, clock)
  }

  /** How long `address` must still wait, in ms; 0 when it may try. */
  lockedFor (address: string): number {
    const until = this.lockedUntil.get(address)
    if (until == null) return 0
    const left = until - this.clock.now()
    if (left > 0) return left
    this.lockedUntil.delete(address)
    return 0
  }

  /** Records a failure from `address`; true when it was one too many and the address is now locked. */
  fail (address: string): boolean {
    if (this.failures.check(address) === 0) return false
    if (this.lockedUntil.size >= MAX_LOCKED) this.dropExpired()
    this.lockedUntil.set(address, this.clock.now() + this.lockMs)
    return true
  }

  private dropExpired (): void {
    const now = this.clock.now()
    for (const [address, until] of this.lockedUntil) if (until <= now) this.lockedUntil.delete(address)
    // still full of live locks (a flood of addresses): forget the oldest rather than grow
    if (this.lockedUntil.size >= MAX_LOCKED) this.lockedUntil.delete(this.lockedUntil.keys().next().value as string)
  }
}
