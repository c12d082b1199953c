// Who may use the API: a script sends `Authorization: Bearer <token>`; the page trades the token for
// an HttpOnly, SameSite=Strict cookie (EventSource cannot send a header). Every wrong token counts
// against its address, and an address with too many is refused for a while (429), except for a
// request that proves itself: on loopback every local program shares 127.0.0.1, so a lockout that
// also refused the right token would let any of them shut the user out by sending bad ones. The
// lockout is there to make guessing hopeless, and it still refuses every wrong or missing credential;
// a token made here is 256 random bits (the session value an HMAC of it), so the guesses a locked
// address has answered gain nothing.
import { FailureLockout } from '../../limits/failure-lockout.js'
import { BAD_TOKEN_LOCKOUT_MS, BAD_TOKENS_PER_MINUTE } from '../constants.js'
import { HttpError } from '../errors.js'
import type { TokenCheck } from './token.js'
import type { IncomingHttpHeaders } from 'node:http'

export type Credential = 'bearer' | 'cookie'

/** Every value of one cookie in a Cookie header: a page on another local port can set one of the same name (another path), so there may be several. */
function cookies (headers: IncomingHttpHeaders, name: string): string[] {
  const values: string[] = []
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim())
  }
  return values
}

export class Authenticator {
  private readonly lockout: FailureLockout

  /**
   * @param cookieName the session cookie's name: it carries the port, since cookies are not kept
   * apart by port and two nodes on one machine would otherwise overwrite each other's
   */
  constructor (private readonly tokens: TokenCheck, readonly cookieName: string, lockout?: FailureLockout) {
    this.lockout = lockout ?? new FailureLockout(BAD_TOKENS_PER_MINUTE, BAD_TOKEN_LOCKOUT_MS)
  }

  /** How the request proves it may use the API; 401 without proof, 429 for a locked-out address without proof. */
  authenticate (address: string, headers: IncomingHttpHeaders): Credential {
    const presented = this.presented(headers)
    if (presented === 'bearer' || presented === 'cookie') return presented
    this.checkNotLocked(address)
    if (presented === 'wrong') this.badToken(address)
    throw new HttpError(401, 'a token is needed: Authorization: Bearer <token>, or the session cookie', undefined, { 'WWW-Authenticate': 'Bearer realm="arkshare"' })
  }

  /** Trades the token for the session cookie: the Set-Cookie value, or 401/429. */
  exchange (address: string, token: string): string {
    if (!this.tokens.matchesToken(token)) {
      this.checkNotLocked(address)
      this.badToken(address, 'token')
    }
    return `${this.cookieName}=${this.tokens.sessionValue}; Path=/; HttpOnly; SameSite=Strict`
  }

  /** What the request carries: a bearer token (which must be right), else a session cookie (one of them right), else nothing. */
  private presented (headers: IncomingHttpHeaders): Credential | 'wrong' | 'none' {
    const authorization = headers.authorization
    if (authorization != null) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1]
      return bearer != null && this.tokens.matchesToken(bearer) ? 'bearer' : 'wrong'
    }
    const sessions = cookies(headers, this.cookieName)
    if (sessions.length === 0) return 'none'
    // every value is compared, so the time taken says nothing about which one matched
    return sessions.map(v => this.tokens.matchesSession(v)).includes(true) ? 'cookie' : 'wrong'
  }

  private checkNotLocked (address: string): void {
    const waitMs = this.lockout.lockedFor(address)
    if (waitMs > 0) throw tooMany(waitMs)
  }

  private badToken (address: string, field?: string): never {
    if (this.lockout.fail(address)) throw tooMany(BAD_TOKEN_LOCKOUT_MS)
    throw new HttpError(401, 'wrong token', field, { 'WWW-Authenticate': 'Bearer realm="arkshare", error="invalid_token"' })
  }
}

function tooMany (waitMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  return new HttpError(429, `too many wrong tokens from this address: try again in ${seconds} s`, undefined, { 'Retry-After': String(seconds) })
}
