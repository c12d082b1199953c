// The NAT lab's address plan.
//
// The lab's "internet" is 11.0.0.0/24, a range libp2p treats as public, on purpose. libp2p counts
// RFC 1918, 100.64/10 (CGNAT), 198.18/15 (benchmarking), 240/4 and the documentation ranges as
// private, and DCUtR, AutoNAT and UPnP (and miniupnpd, which refuses a private external address)
// then ignore the addresses: a lab on those ranges would exercise none of them. A test-only switch
// that makes libp2p call a private range public would test a program users never run. 11.0.0.0/8
// is an ordinary public (unicast, routable) block, so every library behaves as on the internet,
// and nothing can reach the real owner of those addresses: the lab's namespaces have no link to
// the host's namespace, routers have no default route, and every home's router counts any packet
// addressed outside the lab (tests expect none).
//
// Homes are the private 10.<n>.0.0/24 networks real routers hand out.

export const LAB_INTERNET = '11.0.0.0/24'
/** Every home's network (another home's address is unreachable, but not outside the lab). */
export const LAB_HOMES = '10.0.0.0/8'
const INTERNET_PREFIX = '11.0.0.'
/** The lab's resolver: every namespace's resolv.conf names it, and a trap there records what was looked up. */
export const RESOLVER = `${INTERNET_PREFIX}53`

/** A home router's address on the internet (homes numbered from 1). */
export function routerWan (home: number): string {
  return `${INTERNET_PREFIX}${home}`
}

/** A public host's address (public hosts numbered from 0). */
export function publicAddress (host: number): string {
  return `${INTERNET_PREFIX}${100 + host}`
}

export function homeLan (home: number): string {
  return `10.${home}.0.0/24`
}

export function routerLan (home: number): string {
  return `10.${home}.0.1`
}

/** A host behind a home router (hosts numbered from 0). */
export function homeHostAddress (home: number, host: number): string {
  return `10.${home}.0.${2 + host}`
}
