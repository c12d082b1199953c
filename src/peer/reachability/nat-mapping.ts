// What our router does to UDP, learnt from an index's STUN responder: from one socket we ask the
// index's port and the port above it (spec 7.1). The same public port both times means the router
// keeps one mapping for every destination, so another peer can reach us through the hole our own
// packets open (WebRTC's ICE); a new port per destination is a "symmetric" NAT, which hole punching
// cannot cross; our own address and port back means no NAT at all.
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { isIPv6 } from 'node:net'
import { networkInterfaces } from 'node:os'
import { bindingRequest, parseBindingResponse, type MappedAddress } from '../../wire/stun.js'

export type NatMapping = 'none' | 'endpoint-independent' | 'symmetric' | 'unknown'

export interface MappingCheck {
  mapping: NatMapping
  /** Our address and port as the index saw them, when it answered. */
  mapped?: MappedAddress
}

/** Resends a request this often until it is answered (UDP loses packets). */
const RESEND_MS = 400

function localAddresses (): Set<string> {
  return new Set(Object.values(networkInterfaces()).flatMap(list => (list ?? []).map(i => i.address)))
}

/** Checks the mapping through the STUN responder at `host`:`port` (and `port` + 1), within `timeoutMs`. */
export async function checkMapping (host: string, port: number, timeoutMs: number): Promise<MappingCheck> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4')
  const asks = [port, port + 1].map(to => ({ to, id: new Uint8Array(randomBytes(12)), answer: undefined as MappedAddress | undefined }))
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, () => { socket.off('error', reject); resolve() })
    })
    socket.on('error', () => {}) // an unreachable port is an unanswered request, nothing more
    await new Promise<void>(resolve => {
      const send = (): void => {
        for (const ask of asks) if (ask.answer == null) socket.send(bindingRequest(ask.id), ask.to, host)
      }
      const resend = setInterval(send, RESEND_MS)
      const done = (): void => { clearInterval(resend); clearTimeout(deadline); resolve() }
      const deadline = setTimeout(done, timeoutMs)
      socket.on('message', (packet) => {
        for (const ask of asks) ask.answer ??= parseBindingResponse(packet, ask.id)
        if (asks.every(a => a.answer != null)) done()
      })
      send()
    })
    const [first, second] = asks.map(a => a.answer)
    if (first == null) return { mapping: 'unknown' }
    const local = socket.address().port
    if (first.port === local && localAddresses().has(first.address)) return { mapping: 'none', mapped: first }
    if (second == null) return { mapping: 'unknown', mapped: first }
    return { mapping: second.port === first.port && second.address === first.address ? 'endpoint-independent' : 'symmetric', mapped: first }
  } finally {
    socket.close()
  }
}
