// Rate limiting for bandwidth budgets. A token bucket that may go into debt: a caller takes what
// it is about to send and then waits out the debt, so callers are served in call order and the
// long-run rate is exact whatever the chunk size. The burst bounds how far ahead anyone gets.

export interface Clock {
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) { reject(signal.reason); return }
      const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
      const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

export class TokenBucket {
  private tokens: number
  private last: number
  private rate: number
  private readonly fixedBurst?: number
  burst: number
  /** Every token credited so far: a waiter waits until this has grown by the debt it found. */
  private credited = 0
  /** Aborted, and replaced, when the rate changes: waiters work out their wait again. */
  private changed = new AbortController()
  private released = false

  /**
   * @param bytesPerSecond sustained rate
   * @param burst bytes that may pass at once after an idle spell (default: 1/10 s of rate, ≥ 64 KiB)
   */
  constructor (bytesPerSecond: number, burst?: number, private readonly clock: Clock = systemClock) {
    if (!(bytesPerSecond > 0)) throw new RangeError('rate must be positive')
    this.rate = bytesPerSecond
    this.fixedBurst = burst
    this.burst = burst ?? defaultBurst(bytesPerSecond)
    this.tokens = this.burst
    this.last = clock.now()
  }

  get bytesPerSecond (): number { return this.rate }

  /** A new rate, for the waits under way too: what is owed so far is paid at the old rate. */
  setRate (bytesPerSecond: number): void {
    if (!(bytesPerSecond > 0)) throw new RangeError('rate must be positive')
    this.refill()
    this.rate = bytesPerSecond
    this.burst = this.fixedBurst ?? defaultBurst(bytesPerSecond)
    this.tokens = Math.min(this.tokens, this.burst)
    this.wake()
  }

  /** No limit any more: every wait ends now, and every take passes. */
  release (): void {
    this.released = true
    this.wake()
  }

  private wake (): void {
    this.changed.abort()
    this.changed = new AbortController()
  }

  private refill (): void {
    const now = this.clock.now()
    const added = ((now - this.last) / 1000) * this.rate
    this.credited += added
    this.tokens = Math.min(this.burst, this.tokens + added)
    this.last = now
  }

  /** How long a take(bytes) made now would wait, in ms. */
  delayFor (bytes: number): number {
    this.refill()
    const after = this.tokens - bytes
    return after >= 0 || this.released ? 0 : (-after / this.rate) * 1000
  }

  /** Takes `amount` now if the bucket holds it; otherwise takes nothing and returns the ms to wait. */
  tryTake (amount: number): number {
    const wait = this.delayFor(amount)
    if (wait === 0) this.tokens -= amount
    return wait
  }

  /** Accounts for `bytes` and resolves when they may be sent. An aborted wait gives them back. */
  async take (bytes: number, signal?: AbortSignal): Promise<void> {
    this.refill()
    this.tokens -= bytes
    if (this.tokens >= 0 || this.released) return
    const until = this.credited - this.tokens
    try {
      while (!this.released) {
        this.refill()
        const missing = until - this.credited
        if (missing <= 0) return
        const changed = this.changed.signal
        try {
          await this.clock.sleep((missing / this.rate) * 1000, signal != null ? AbortSignal.any([signal, changed]) : changed)
        } catch (err) {
          if (!changed.aborted || signal?.aborted === true) throw err
        }
      }
    } catch (err) {
      this.tokens += bytes
      throw err
    }
  }
}

function defaultBurst (bytesPerSecond: number): number {
  return Math.max(64 * 1024, Math.round(bytesPerSecond / 10))
}

/** Parses "2MiB/s", "500KiB", "1.5 MB/s", "1048576" into bytes per second (powers of 1024). */
export function parseRate (text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*(?:\/\s*s)?\s*$/i.exec(text)
  if (m == null) throw new RangeError(`not a rate: "${text}" (try 2MiB/s or 500KiB/s)`)
  const unit = (m[2] ?? '').toLowerCase().replace(/i?b$/, '')
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1
  const value = Number(m[1]) * factor
  if (!(value > 0)) throw new RangeError(`rate must be positive: "${text}"`)
  return Math.round(value)
}

export interface BandwidthLimits {
  /** bytes per second for everything together */
  total?: number
  /** bytes per second for each remote peer */
  perPeer?: number
}

/** A global bucket and one bucket per remote peer; a transfer waits for both. Limits may change at any time. */
export class BandwidthBudget {
  private total?: TokenBucket
  private readonly peers = new Map<string, { bucket: TokenBucket, used: number }>()
  private current: BandwidthLimits

  constructor (limits: BandwidthLimits, private readonly clock: Clock = systemClock) {
    this.current = { ...limits }
    if (limits.total != null) this.total = new TokenBucket(limits.total, undefined, clock)
  }

  get limits (): BandwidthLimits { return { ...this.current } }

  get limited (): boolean {
    return this.total != null || this.current.perPeer != null
  }

  /**
   * New limits (a field left out stays as it is; undefined lifts it), for transfers under way too:
   * a wait already begun is worked out again at the new rate, and ends at once when a limit is lifted.
   */
  setLimits (limits: BandwidthLimits): void {
    if ('total' in limits) {
      if (limits.total == null) {
        this.total?.release()
        this.total = undefined
      } else if (this.total != null) {
        this.total.setRate(limits.total)
      } else {
        this.total = new TokenBucket(limits.total, undefined, this.clock)
      }
      this.current.total = limits.total
    }
    if ('perPeer' in limits) {
      for (const { bucket } of this.peers.values()) {
        if (limits.perPeer == null) bucket.release()
        else bucket.setRate(limits.perPeer)
      }
      if (limits.perPeer == null) this.peers.clear()
      this.current.perPeer = limits.perPeer
    }
  }

  private peerBucket (peer: string): TokenBucket | undefined {
    const perPeer = this.current.perPeer
    if (perPeer == null) return undefined
    let entry = this.peers.get(peer)
    if (entry == null) {
      entry = { bucket: new TokenBucket(perPeer, undefined, this.clock), used: 0 }
      this.peers.set(peer, entry)
      // forget peers idle for a minute so the map stays small
      for (const [key, e] of this.peers) if (this.clock.now() - e.used > 60_000 && key !== peer) this.peers.delete(key)
    }
    entry.used = this.clock.now()
    return entry.bucket
  }

  async take (peer: string, bytes: number, signal?: AbortSignal): Promise<void> {
    const perPeer = this.peerBucket(peer)
    await Promise.all([perPeer?.take(bytes, signal), this.total?.take(bytes, signal)])
  }
}
