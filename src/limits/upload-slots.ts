// Upload slots: at most N peers are served at once; the rest wait in a queue that takes peers in
// turn (round-robin), so one peer asking many times cannot starve the others. Waiters learn their
// place in the queue, as Soulseek and eMule users see it.

interface Ticket {
  peer: string
  grant: () => void
  onPosition?: (position: number) => void
  lastPosition: number
}

export class UploadSlots {
  private active = 0
  /** Waiting tickets per peer, and the order peers take turns in. */
  private readonly waiting = new Map<string, Ticket[]>()
  private rotation: string[] = []

  constructor (private count: number) {
    if (!(count >= 1)) throw new RangeError('at least one upload slot')
  }

  get slots (): number { return this.count }

  /**
   * More slots serve waiting peers at once; fewer leave running uploads be until they ask again
   * (overCapacity tells them to give their slot up and queue).
   */
  setSlots (count: number): void {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError('at least one upload slot')
    this.count = count
    this.grantNext()
  }

  /** More uploads hold a slot than there are slots (they were lowered). */
  get overCapacity (): boolean { return this.active > this.count }

  get inUse (): number { return this.active }
  get queued (): number { return [...this.waiting.values()].reduce((n, list) => n + list.length, 0) }

  /**
   * Resolves with a release function once a slot is free. `onPosition` hears the 1-based queue
   * position when queued and whenever it changes. Aborting the signal leaves the queue.
   */
  async acquire (peer: string, options: { signal?: AbortSignal, onPosition?: (position: number) => void } = {}): Promise<() => void> {
    options.signal?.throwIfAborted()
    if (this.active < this.count && this.queued === 0) {
      this.active++
      return this.releaser()
    }
    return await new Promise<() => void>((resolve, reject) => {
      const ticket: Ticket = {
        peer,
        onPosition: options.onPosition,
        lastPosition: 0,
        grant: () => {
          options.signal?.removeEventListener('abort', onAbort)
          resolve(this.releaser())
        }
      }
      const onAbort = (): void => {
        this.remove(ticket)
        reject(options.signal?.reason)
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const list = this.waiting.get(peer) ?? []
      if (list.length === 0) this.rotation.push(peer)
      list.push(ticket)
      this.waiting.set(peer, list)
      this.notifyPositions()
    })
  }

  /** 1-based place of each waiting ticket in the order they will be served. */
  private order (): Ticket[] {
    const lists = this.rotation.map(peer => this.waiting.get(peer) ?? [])
    const out: Ticket[] = []
    for (let round = 0; out.length < this.queued; round++) {
      for (const list of lists) if (round < list.length) out.push(list[round])
    }
    return out
  }

  private notifyPositions (): void {
    this.order().forEach((ticket, i) => {
      if (ticket.lastPosition !== i + 1) {
        ticket.lastPosition = i + 1
        ticket.onPosition?.(i + 1)
      }
    })
  }

  private remove (ticket: Ticket): void {
    const list = this.waiting.get(ticket.peer)
    if (list == null) return
    const i = list.indexOf(ticket)
    if (i >= 0) list.splice(i, 1)
    if (list.length === 0) {
      this.waiting.delete(ticket.peer)
      this.rotation = this.rotation.filter(p => p !== ticket.peer)
    }
    this.notifyPositions()
  }

  private releaser (): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      this.active--
      this.grantNext()
    }
  }

  private grantNext (): void {
    while (this.active < this.count && this.rotation.length > 0) {
      const peer = this.rotation.shift() as string
      const list = this.waiting.get(peer) as Ticket[]
      const ticket = list.shift() as Ticket
      // the peer goes to the back of the line if it still has tickets waiting
      if (list.length > 0) this.rotation.push(peer)
      else this.waiting.delete(peer)
      this.active++
      ticket.grant()
    }
    this.notifyPositions()
  }
}
