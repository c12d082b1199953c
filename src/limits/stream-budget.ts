// How many streams a node serves at once: in total, and per remote address. libp2p bounds inbound
// streams per connection and protocol; this bounds them across all connections, so neither hundreds
// of idle streams (a slow-loris) nor one busy address can take every slot and shut others out.

export interface StreamBudgetOptions {
  /** Streams open at once across all peers. */
  maxOpen: number
  /** Streams open at once from one remote address (an IP: several peer IDs behind it count together). */
  maxOpenPerAddress: number
}

export class StreamBudget {
  private open = 0
  private readonly perAddress = new Map<string, number>()
  /** Streams refused since start. */
  refused = 0

  constructor (readonly options: StreamBudgetOptions) {}

  get openStreams (): number { return this.open }

  /** Takes a place for a stream from `address`; false (taking nothing) when either cap is reached. */
  tryOpen (address: string): boolean {
    const mine = this.perAddress.get(address) ?? 0
    if (this.open >= this.options.maxOpen || mine >= this.options.maxOpenPerAddress) {
      this.refused++
      return false
    }
    this.open++
    this.perAddress.set(address, mine + 1)
    return true
  }

  release (address: string): void {
    const mine = this.perAddress.get(address) ?? 0
    if (mine <= 0) return
    this.open--
    if (mine === 1) this.perAddress.delete(address)
    else this.perAddress.set(address, mine - 1)
  }
}

/** The IP address of a multiaddr (what per-address caps count by); undefined for other transports. */
export function ipOf (addr: { getComponents: () => Array<{ name: string, value?: string }> }): string | undefined {
  return addr.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value
}
