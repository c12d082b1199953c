// Who may connect: a rules file of peer IDs and IP ranges, enforced by a libp2p connection gater
// and re-read when it changes. One rule per line; '#' starts a comment:
//   deny 12D3KooW...            a peer
//   deny 203.0.113.0/24         an IPv4 or IPv6 range (or one address)
//   allow 10.0.0.0/8            once any allow rule exists, everything not allowed is refused
// A bare peer ID or range means "deny". Deny wins over allow.
import { BlockList, isIP } from 'node:net'
import { readFile } from 'node:fs/promises'
import { watchFile, unwatchFile } from 'node:fs'
import { peerIdFromString } from '@libp2p/peer-id'
import type { ConnectionGater, MultiaddrConnection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export class AccessRulesError extends Error {
  override name = 'AccessRulesError'
}

interface Rules {
  denyPeers: Set<string>
  allowPeers: Set<string>
  denyIps: BlockList
  allowIps: BlockList
  hasAllow: boolean
}

function addRange (list: BlockList, text: string, line: number): void {
  const [address, prefix] = text.split('/')
  const family = isIP(address)
  if (family === 0) throw new AccessRulesError(`line ${line}: "${text}" is neither a peer ID nor an IP address or range`)
  const type = family === 4 ? 'ipv4' : 'ipv6'
  if (prefix == null) { list.addAddress(address, type); return }
  const bits = Number(prefix)
  if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) throw new AccessRulesError(`line ${line}: bad prefix length in "${text}"`)
  list.addSubnet(address, bits, type)
}

/** Parses a rules file's text; throws AccessRulesError naming the bad line. */
export function parseAccessRules (text: string): Rules {
  const rules: Rules = { denyPeers: new Set(), allowPeers: new Set(), denyIps: new BlockList(), allowIps: new BlockList(), hasAllow: false }
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') return
    const parts = line.split(/\s+/)
    const verb = parts.length > 1 ? parts[0].toLowerCase() : 'deny'
    const target = parts.length > 1 ? parts[1] : parts[0]
    if ((verb !== 'deny' && verb !== 'allow') || parts.length > 2) throw new AccessRulesError(`line ${i + 1}: expected "deny <peer-id | ip[/bits]>" or "allow ..."`)
    if (verb === 'allow') rules.hasAllow = true
    let isPeer = false
    try { peerIdFromString(target); isPeer = true } catch { /* not a peer ID: an address then */ }
    if (isPeer) (verb === 'deny' ? rules.denyPeers : rules.allowPeers).add(target)
    else addRange(verb === 'deny' ? rules.denyIps : rules.allowIps, target, i + 1)
  })
  return rules
}

function ipOf (addr: Multiaddr | undefined): { address: string, type: 'ipv4' | 'ipv6' } | undefined {
  const component = addr?.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')
  if (component?.value == null) return undefined
  return { address: component.value, type: component.name === 'ip4' ? 'ipv4' : 'ipv6' }
}

export class AccessRules {
  private rules: Rules = parseAccessRules('')
  private path?: string
  /** Called after a reload with the rules now in force (to drop connections they refuse). */
  onChange?: () => void
  lastError?: string

  /** Loads `path` (a missing file means no rules) and re-reads it whenever it changes. */
  async load (path: string): Promise<void> {
    this.path = path
    await this.reload(true)
    watchFile(path, { interval: 1_000 }, () => { void this.reload(false) })
  }

  close (): void {
    if (this.path != null) unwatchFile(this.path)
  }

  private async reload (first: boolean): Promise<void> {
    if (this.path == null) return
    let text = ''
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    try {
      this.rules = parseAccessRules(text)
      this.lastError = undefined
      this.onChange?.()
    } catch (err) {
      // a bad edit keeps the previous rules in force; at start it is an error
      if (first) throw err
      this.lastError = (err as Error).message
    }
  }

  set (text: string): void {
    this.rules = parseAccessRules(text)
    this.onChange?.()
  }

  /** With only the peer known (dialling by ID): refuse what is surely refused. */
  peerDenied (peer: PeerId | string): boolean {
    const r = this.rules
    const id = peer.toString()
    if (r.denyPeers.has(id)) return true
    // allow rules by address can still admit this peer once its address is known
    return r.hasAllow && r.allowIps.rules.length === 0 && !r.allowPeers.has(id)
  }

  /** With only the address known (a new inbound socket, a dial): refuse what is surely refused. */
  addressDenied (addr: Multiaddr | undefined): boolean {
    const r = this.rules
    const ip = ipOf(addr)
    if (ip != null && r.denyIps.check(ip.address, ip.type)) return true
    // allow rules by peer can still admit this address once the peer is known
    return r.hasAllow && r.allowPeers.size === 0 && (ip == null || !r.allowIps.check(ip.address, ip.type))
  }

  /** With both known (after the Noise handshake): the full decision. Deny wins; then allow, if any. */
  connectionDenied (peer: PeerId | string, addr: Multiaddr | undefined): boolean {
    const r = this.rules
    const id = peer.toString()
    const ip = ipOf(addr)
    const ipIn = (list: BlockList): boolean => ip != null && list.check(ip.address, ip.type)
    if (r.denyPeers.has(id) || ipIn(r.denyIps)) return true
    return r.hasAllow && !r.allowPeers.has(id) && !ipIn(r.allowIps)
  }

  gater (): ConnectionGater {
    return {
      denyDialPeer: (peer) => this.peerDenied(peer),
      denyDialMultiaddr: (addr) => this.addressDenied(addr),
      denyInboundConnection: (maConn: MultiaddrConnection) => this.addressDenied(maConn.remoteAddr),
      denyInboundEncryptedConnection: (peer, maConn) => this.connectionDenied(peer, maConn.remoteAddr),
      denyOutboundEncryptedConnection: (peer, maConn) => this.connectionDenied(peer, maConn.remoteAddr)
    }
  }
}
