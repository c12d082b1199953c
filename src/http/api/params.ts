// Values taken from requests, checked before anything is done with them: a bad one is a 400 that
// names its field.
import { peerIdFromString } from '@libp2p/peer-id'
import { parseBookId, PEER_DEFAULTS } from '../../peer/index.js'
import { MAX_OFFSET, MAX_QUERY_LENGTH } from '../constants.js'
import { invalid } from '../errors.js'

function integer (query: URLSearchParams, field: string, min: number, max: number, fallback: number): number {
  const text = query.get(field)
  if (text == null) return fallback
  const n = Number(text)
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw invalid(field, `expected a whole number from ${min} to ${max}`)
  return n
}

export interface Page { limit: number, offset: number }

export function page (query: URLSearchParams, defaultLimit: number): Page {
  return {
    limit: integer(query, 'limit', 1, PEER_DEFAULTS.MAX_SEARCH_LIMIT, Math.min(defaultLimit, PEER_DEFAULTS.MAX_SEARCH_LIMIT)),
    offset: integer(query, 'offset', 0, MAX_OFFSET, 0)
  }
}

/** `q`: the query language's words, 1 to 256 characters. */
export function searchWords (query: URLSearchParams): string {
  const q = (query.get('q') ?? '').trim()
  if (q === '') throw invalid('q', 'type something to search for')
  if (q.length > MAX_QUERY_LENGTH) throw invalid('q', `at most ${MAX_QUERY_LENGTH} characters`)
  return q
}

/** A book ID in its canonical form, or 400. */
export function bookId (value: string, field = 'id'): string {
  try {
    return parseBookId(value).toString()
  } catch (err) {
    throw invalid(field, (err as Error).message)
  }
}

/** A peer ID in its canonical form, or 400. */
export function peerId (value: string): string {
  try {
    return peerIdFromString(value.trim()).toString()
  } catch {
    throw invalid('peerId', `not a peer ID: ${JSON.stringify(value.slice(0, 100))}`)
  }
}
