// The STUN servers WebRTC may use: our indexes' and no one else's. Left unset, @libp2p/webrtc asks
// public STUN servers of large companies, telling them who we are talking to: never that.
import { multiaddr } from '@multiformats/multiaddr'

/** What an RTCConfiguration's iceServers holds (the DOM type, which this project does not load). */
export interface IceServer { urls: string[] }

/** An index's STUN server: UDP at the host and port of its multiaddr (spec 7.1); undefined for other kinds of address. */
export function stunServerOf (index: string): string | undefined {
  try {
    const [host, port] = multiaddr(index).getComponents()
    if (port?.name !== 'tcp' || host?.value == null) return undefined
    if (host.name === 'ip6') return `stun:[${host.value}]:${port.value ?? ''}`
    return ['ip4', 'dns', 'dns4', 'dns6'].includes(host.name) ? `stun:${host.value}:${port.value ?? ''}` : undefined
  } catch {
    return undefined
  }
}

/** ICE servers for WebRTC: exactly the indexes' STUN servers (none without an index: then only direct candidates). */
export function iceServersFor (indexes: string[]): IceServer[] {
  const urls = [...new Set(indexes.map(stunServerOf).filter((url): url is string => url != null))]
  return urls.length > 0 ? [{ urls }] : []
}
