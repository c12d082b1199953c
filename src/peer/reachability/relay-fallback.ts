// How large a book may come over a relayed connection (spec 5.5): at most half of what the
// connection may still carry, as the relay set it (the other half covers encryption, framing, the
// manifest and the signalling that went before), and never more than RELAY_FALLBACK_MAX_BYTES. The
// provider and the downloader apply the same rule: a relay cuts a connection over its limit without
// a word, so neither starts what could not finish.
import { RELAY_FALLBACK_MAX_BYTES } from '../constants.js'
import type { Connection } from '@libp2p/interface'

/** The largest book this connection may carry; undefined when it is not relayed (use /arkshare/fetch). */
export function relayedBookLimit (connection: Pick<Connection, 'limits'>): number | undefined {
  const limits = connection.limits
  if (limits == null) return undefined
  const remaining = limits.bytes != null ? Number(limits.bytes) : Infinity
  return Math.min(RELAY_FALLBACK_MAX_BYTES, Math.floor(remaining / 2))
}
