// One stall timeout for the waits made one after another on one peer (a provider's replies): where
// a deadline per wait made a controller, a timer and a combined signal for every chunk received (a
// thousand timers alive per 256 MiB, each left to fire 20 s later), this keeps one timer, started
// over as each wait begins, that counts only while a wait is on.
import { timeoutError } from './deadline.js'

export class StallWatch {
  private readonly controller = new AbortController()
  private readonly timer: ReturnType<typeof setTimeout>
  private waiting = 0
  /** Aborts when a wait takes longer than `ms`, or with `stopped`. */
  readonly signal: AbortSignal

  constructor (ms: number, stopped?: AbortSignal) {
    this.timer = setTimeout(() => {
      // time spent between waits (writing what came) is not a stall
      if (this.waiting > 0) this.controller.abort(timeoutError())
    }, ms)
    // the wait it bounds keeps the process alive, not the watch
    this.timer.unref()
    // the timer holds the controller, so the combined signal's weakly held source lives (see deadline.ts)
    this.signal = stopped == null ? this.controller.signal : AbortSignal.any([this.controller.signal, stopped])
  }

  /** Runs `wait` with the timeout started over, bounded by the signal. */
  async bound<T> (wait: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.signal.throwIfAborted()
    this.waiting++
    this.timer.refresh()
    try {
      return await wait(this.signal)
    } finally {
      this.waiting--
    }
  }

  stop (): void {
    clearTimeout(this.timer)
  }
}
