// Which paths need the token, by role and by where the server listens.
import { isLoopback } from './origin-guard.js'
import type { AccessRule } from '../http-server.js'

export type Role = 'peer' | 'index'

/**
 * A peer: every /api/* needs the token, even on loopback. An index on loopback serves its
 * read-only API and metrics openly. Off loopback, everything but /healthz needs it. The page's
 * files (public code, no data) are served to any request that passed the Host and origin checks:
 * the page must load to trade the token in its URL for the cookie.
 */
export function accessRule (role: Role, host: string): AccessRule {
  const loopback = isLoopback(host)
  return (path) => {
    if (path === '/healthz') return 'open'
    if (!loopback) return 'token'
    if (role === 'index') return 'open'
    return path.startsWith('/api/') ? 'token' : 'open'
  }
}
