// Which of a provider's addresses the index lists, best first: the wire carries 8 (spec 5.1), and a
// peer behind a NAT has more than that to say (a relay address and a WebRTC one per relay address
// of each index it reserved on, its home network addresses, loopback).
import { isLoopback, isPrivate } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { LIMITS } from '../wire/protocols.js'

/**
 * Lower is better: a public address is dialled straight; WebRTC through a relay becomes a direct
 * connection; the relay address itself serves signalling, reversal and the small-book fallback;
 * a private address helps only peers on the provider's own network; loopback only its own machine.
 */
function rank (ma: Multiaddr): number {
  const names = ma.getComponents().map(c => c.name)
  const loopback = isLoopback(ma)
  if (names.includes('p2p-circuit')) return (names.includes('webrtc') ? 1 : 2) + (loopback ? 10 : 0)
  if (loopback) return 4
  return isPrivate(ma) ? 3 : 0
}

/**
 * A provider's addresses as listed: ranked, without loopback ones unless the provider itself
 * reached the index over loopback (on the index's machine: a local swarm, a test), at most the
 * wire's number. Order among equals is kept.
 */
export function listedAddresses (addrs: Array<Multiaddr | string>, fromLoopback: boolean): string[] {
  return addrs.map(a => typeof a === 'string' ? multiaddr(a) : a)
    .map((ma, i) => ({ ma, i, rank: rank(ma) }))
    .filter(({ rank }) => fromLoopback || (rank !== 4 && rank < 10))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .slice(0, LIMITS.search.maxAddrsPerProvider)
    .map(({ ma }) => ma.toString())
}
