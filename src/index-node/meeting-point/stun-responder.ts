// The index's STUN responder: answers binding requests on UDP with the address they came from, so
// peers behind NATs learn their public mapping (ICE's server-reflexive candidates) from the index
// they already trust instead of a third party's server.
//
// Why here and like this: a binding responder is all ICE needs from a STUN server (no TURN, no
// authentication), it is a few dozen lines over node:dgram with no dependency, and running it in
// the index process means an operator opens ports, not another daemon. (The npm `stun` package and
// coturn work too, but bring old dependencies or a separate service to run.)
//
// It listens on UDP at the port of each TCP address the index listens on (peers find it there: one
// port number to open, TCP and UDP), and on the next port up, which only tells a peer whether its
// router gives each destination a new port (a symmetric NAT). It answers nothing but well-formed
// binding requests, and each IP address at most `requestsPerMinute` times a minute.
import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { PeerRateLimiter } from '../../limits/peer-rate-limiter.js'
import { bindingResponse, parseBindingRequest } from '../../wire/stun.js'
import type { Logger } from '@libp2p/interface'

export interface StunEndpoint { host: string, port: number }

export interface StunCounts {
  /** Binding requests answered. */
  answered: number
  /** Packets not answered: not a binding request, or over an address's rate. */
  ignored: number
}

export interface StunResponderInit {
  requestsPerMinute: number
  log: Logger
}

export class StunResponder {
  private readonly sockets: Socket[] = []
  /** Endpoints asked for so far (bound, or found taken). */
  private readonly bound = new Set<string>()
  private readonly rates: PeerRateLimiter
  readonly counts: StunCounts = { answered: 0, ignored: 0 }

  constructor (private readonly init: StunResponderInit) {
    this.rates = new PeerRateLimiter(init.requestsPerMinute)
  }

  /** The UDP endpoints it listens on, once started. */
  get endpoints (): StunEndpoint[] {
    return this.sockets.map(socket => ({ host: socket.address().address, port: socket.address().port }))
  }

  /** Listens at each endpoint and the port above it (once each); a port that is taken is logged and skipped. */
  async listen (endpoints: StunEndpoint[]): Promise<void> {
    const wanted = endpoints.flatMap(e => [e, { host: e.host, port: e.port + 1 }])
      .filter(e => !this.bound.has(`${e.host}:${e.port}`))
    for (const e of wanted) this.bound.add(`${e.host}:${e.port}`)
    await Promise.all(wanted.map(async endpoint => { await this.bind(endpoint) }))
  }

  stop (): void {
    for (const socket of this.sockets.splice(0)) socket.close()
    this.bound.clear()
  }

  private async bind ({ host, port }: StunEndpoint): Promise<void> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' })
    socket.on('message', (packet, from) => { this.answer(socket, packet, from.address, from.port) })
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject)
        socket.bind(port, host, () => { socket.off('error', reject); resolve() })
      })
    } catch (err) {
      this.init.log.error('STUN cannot listen on udp %s:%d: %e', host, port, err)
      socket.close()
      return
    }
    // a send to a vanished host or a full buffer is that request's loss, never the index's
    socket.on('error', (err) => { this.init.log('STUN socket error: %e', err) })
    this.sockets.push(socket)
  }

  private answer (socket: Socket, packet: Buffer, address: string, port: number): void {
    const transactionId = parseBindingRequest(packet)
    if (transactionId == null || this.rates.check(address) > 0) {
      this.counts.ignored++
      return
    }
    this.counts.answered++
    socket.send(bindingResponse(transactionId, { address, port }), port, address)
  }
}
