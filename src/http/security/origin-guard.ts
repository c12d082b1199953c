// Which requests may reach the node at all. DNS rebinding: a hostile name that resolves to
// 127.0.0.1 carries its own Host, so only our own names pass (421 otherwise). Cross-site requests:
// browsers say where a request comes from (Sec-Fetch-Site, Origin); another port on localhost is
// "same-site", so same-site is refused too, and a cookie alone never authorises a change.
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { HttpError } from '../errors.js'
import type { IncomingHttpHeaders } from 'node:http'

/** How a host appears in a Host header: IPv6 in brackets. */
function hostPart (host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host.toLowerCase()
}

/** A wildcard bind answers on every address of this machine. */
function isWildcard (host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

export function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/**
 * The Host values we answer to: loopback names, the bound address (every local address for a
 * wildcard bind), and the names the operator gave (`--http-host`, with or without the port).
 */
export function allowedHosts (boundHost: string, port: number, names: string[] = []): Set<string> {
  const hosts = ['127.0.0.1', 'localhost', '::1']
  if (isWildcard(boundHost)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) hosts.push(a.address.replace(/%.*$/, ''))
  } else {
    hosts.push(boundHost)
  }
  const allowed = new Set(hosts.map(h => `${hostPart(h)}:${port}`))
  for (const name of names) {
    const lower = name.toLowerCase()
    allowed.add(lower)
    if (!/:\d+$/.test(lower)) allowed.add(`${lower}:${port}`)
  }
  return allowed
}

export class OriginGuard {
  private readonly origins: Set<string>

  constructor (private readonly hosts: Set<string>) {
    this.origins = new Set([...hosts].map(h => `http://${h}`))
  }

  /** 421 for a Host we do not answer to (a rebinding name, a stray proxy). */
  checkHost (headers: IncomingHttpHeaders): void {
    const host = headers.host?.toLowerCase()
    if (host == null || !this.hosts.has(host)) throw new HttpError(421, 'this server does not answer to that host name')
  }

  /** 403 for a request a browser says came from another site, or from a page not ours. */
  checkSource (headers: IncomingHttpHeaders): void {
    const site = headers['sec-fetch-site']
    if (site != null && site !== 'same-origin' && site !== 'none') throw new HttpError(403, `refused: a ${String(site)} request`)
    const origin = headers.origin
    if (origin != null && !this.origins.has(origin.toLowerCase())) throw new HttpError(403, 'refused: a request from another origin')
  }

  /** A change authorised by the cookie alone must come from our own page, which sends its Origin. */
  checkCookieChange (method: string, headers: IncomingHttpHeaders): void {
    if (method === 'GET' || method === 'HEAD') return
    const origin = headers.origin
    if (origin == null || !this.origins.has(origin.toLowerCase())) throw new HttpError(403, 'refused: a change without our Origin')
  }
}
