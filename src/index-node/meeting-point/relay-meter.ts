// What the index's relay carries, counted on each circuit's hop stream (the dialer's end of it:
// what arrives on it went one way, what is sent on it came the other), so the operator sees the
// relay's cost and the tests can hold it to its limits.
import type { Stream } from '@libp2p/interface'

export interface RelayTraffic {
  /** Hop streams open now: relayed connections in use (reservation requests last milliseconds). */
  open: number
  /** Bytes relayed, both directions, since the index started. */
  bytes: number
  /** The most any one hop stream carried. */
  largestCircuitBytes: number
}

export class RelayMeter {
  readonly traffic: RelayTraffic = { open: 0, bytes: 0, largestCircuitBytes: 0 }

  /** Counts a hop stream's bytes both ways until it closes. */
  watch (stream: Stream): void {
    const traffic = this.traffic
    let carried = 0
    const count = (bytes: number): void => {
      carried += bytes
      traffic.bytes += bytes
      if (carried > traffic.largestCircuitBytes) traffic.largestCircuitBytes = carried
    }
    traffic.open++
    stream.addEventListener('message', (evt) => { count(evt.data.byteLength) })
    // the relay writes the other side's bytes with send(): count them on their way through
    const send = stream.send.bind(stream)
    stream.send = (data) => {
      count(data.byteLength)
      return send(data)
    }
    stream.addEventListener('close', () => { traffic.open-- }, { once: true })
  }
}
