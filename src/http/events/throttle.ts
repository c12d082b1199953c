// Keeps event rates bounded: a keyed throttle passes at most one value per key per interval (the
// latest wins, and the last one always goes out), and a sampler looks at some state at an interval
// and passes it on only when it changed.
import type { Startable } from '@libp2p/interface'

export class KeyedThrottle<T> {
  private readonly last = new Map<string, { at: number, pending?: T, timer?: ReturnType<typeof setTimeout> }>()

  constructor (private readonly intervalMs: number, private readonly emit: (value: T) => void) {}

  push (key: string, value: T): void {
    const now = Date.now()
    const entry = this.last.get(key)
    if (entry == null || (entry.timer == null && now - entry.at >= this.intervalMs)) {
      this.last.set(key, { at: now })
      this.emit(value)
      return
    }
    entry.pending = value
    entry.timer ??= setTimeout(() => { this.release(key) }, Math.max(0, entry.at + this.intervalMs - now))
  }

  /** Sends what was held back for `key` at its turn; the key stays, so the next value waits a whole interval. */
  private release (key: string): void {
    const entry = this.last.get(key)
    if (entry == null) return
    const value = entry.pending as T
    this.last.set(key, { at: Date.now() })
    this.emit(value)
  }

  /** Sends what is held back for `key` now, and forgets the key (its story has ended). */
  flush (key: string): void {
    const entry = this.last.get(key)
    if (entry == null) return
    clearTimeout(entry.timer)
    this.last.delete(key)
    if (entry.pending !== undefined) this.emit(entry.pending)
  }

  /** Forgets `key` and what is held back for it, sending nothing. */
  drop (key: string): void {
    clearTimeout(this.last.get(key)?.timer)
    this.last.delete(key)
  }

  clear (): void {
    for (const entry of this.last.values()) clearTimeout(entry.timer)
    this.last.clear()
  }
}

export class ChangeSampler<T> implements Startable {
  private timer?: ReturnType<typeof setInterval>
  private lastJson?: string

  /** @param active whether anyone listens: the state is not even read otherwise */
  constructor (private readonly intervalMs: number, private readonly read: () => T, private readonly emit: (value: T) => void, private readonly active: () => boolean) {}

  start (): void {
    this.timer = setInterval(() => { this.sample() }, this.intervalMs)
  }

  stop (): void {
    clearInterval(this.timer)
  }

  private sample (): void {
    if (!this.active()) {
      this.lastJson = undefined
      return
    }
    const value = this.read()
    const json = JSON.stringify(value)
    if (json === this.lastJson) return
    this.lastJson = json
    this.emit(value)
  }
}
