// Book links (protocols/links.md): `arkshare:` + a book ID, with hints a person passes on with it
// (title, size, file name, providers). Only the ID is checked; a reader skips whatever hint it
// cannot use rather than refuse the link, and a writer fits the link within 2,048 characters.
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { parseBookId } from '../content/book-id.js'
import type { CID } from 'multiformats/cid'

export interface BookLink {
  id: CID
  title?: string
  /** The file name to save under (untrusted: reduce it to a safe base name before use). */
  name?: string
  size?: number
  /** Provider multiaddrs, each ending in `/p2p/<peer ID>`, one per peer. */
  peers: string[]
}

/** The limits of links.md. */
export const BOOK_LINK_LIMITS = {
  maxWrittenChars: 2_048,
  maxReadChars: 4_096,
  maxPeersWritten: 3,
  maxPeersRead: 8,
  maxTitleChars: 512,
  maxNameChars: 255,
  maxPeerChars: 256,
  maxSize: 34_359_738_368
}

export class InvalidBookLinkError extends Error {
  override name = 'InvalidBookLinkError'
}

const SCHEME = /^arkshare:(\/\/)?/i
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/

/** The text without white space and one pair of angle brackets around it. */
function unwrap (text: string): string {
  const trimmed = text.trim()
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1).trim() : trimmed
}

/** Whether the text is meant as a book link (it may still be a bad one). */
export function isBookLink (text: string): boolean {
  return SCHEME.test(unwrap(text))
}

function validTitle (value: string): boolean {
  return value.length <= BOOK_LINK_LIMITS.maxTitleChars && !CONTROL.test(value)
}

function validName (value: string): boolean {
  return value !== '' && value.length <= BOOK_LINK_LIMITS.maxNameChars && !/[/\\]/.test(value) && !CONTROL.test(value)
}

function validSize (value: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) return undefined
  const size = Number(value)
  return size <= BOOK_LINK_LIMITS.maxSize ? size : undefined
}

/** The peer ID a provider hint names, or undefined when it is no usable hint. */
function hintPeer (value: string): string | undefined {
  if (value.length > BOOK_LINK_LIMITS.maxPeerChars) return undefined
  try {
    const last = multiaddr(value).getComponents().at(-1)
    if (last?.name !== 'p2p' || last.value == null) return undefined
    return peerIdFromString(last.value).toString()
  } catch {
    return undefined
  }
}

/** A parameter's value decoded, or undefined when it is not valid percent-encoded UTF-8. */
function decode (value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}

/** Reads a book link (links.md section 4); throws InvalidBookLinkError when it names no book. */
export function parseBookLink (text: string): BookLink {
  const link = unwrap(text)
  if (link.length > BOOK_LINK_LIMITS.maxReadChars) throw new InvalidBookLinkError(`a book link is at most ${BOOK_LINK_LIMITS.maxReadChars} characters`)
  const scheme = SCHEME.exec(link)
  if (scheme == null) throw new InvalidBookLinkError('a book link starts with "arkshare:"')
  const rest = link.slice(scheme[0].length).split('#')[0]
  const query = rest.indexOf('?')
  const idText = (query < 0 ? rest : rest.slice(0, query)).replace(/\/$/, '')
  let id: CID
  try {
    id = parseBookId(idText)
  } catch (err) {
    throw new InvalidBookLinkError(`the link names no book: ${(err as Error).message}`)
  }
  const out: BookLink = { id, peers: [] }
  const peerIds = new Set<string>()
  // the first usable title, name and size count (what is ignored is as if it were not there)
  const seen = new Set<string>()
  for (const parameter of query < 0 ? [] : rest.slice(query + 1).split('&')) {
    const equals = parameter.indexOf('=')
    if (equals < 0) continue
    const name = parameter.slice(0, equals)
    const value = decode(parameter.slice(equals + 1))
    if (value == null) continue
    if (name === 'peer') {
      const peer = hintPeer(value)
      if (peer == null || peerIds.has(peer) || out.peers.length >= BOOK_LINK_LIMITS.maxPeersRead) continue
      peerIds.add(peer)
      out.peers.push(value)
      continue
    }
    if (seen.has(name)) continue
    if (name === 'title' && validTitle(value)) out.title = value
    else if (name === 'name' && validName(value)) out.name = value
    else if (name === 'size' && validSize(value) != null) out.size = validSize(value)
    else continue
    seen.add(name)
  }
  return out
}

/** Percent-encodes a value, leaving `/`, `:` and `@` readable (multiaddrs). */
function encode (value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%40/g, '@')
}

/** Writes a book link (links.md section 3): hints that break the rules are left out, and the link fits 2,048 characters. */
export function formatBookLink (link: BookLink): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const title = link.title?.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, BOOK_LINK_LIMITS.maxTitleChars)
  const parts: Array<[string, string]> = []
  if (title != null && title !== '') parts.push(['title', title])
  if (link.size != null && validSize(String(link.size)) != null) parts.push(['size', String(link.size)])
  if (link.name != null && validName(link.name)) parts.push(['name', link.name])
  const seen = new Set<string>()
  for (const peer of link.peers) {
    const id = hintPeer(peer)
    if (id == null || seen.has(id) || seen.size >= BOOK_LINK_LIMITS.maxPeersWritten) continue
    seen.add(id)
    parts.push(['peer', peer])
  }
  const write = (): string => `arkshare:${link.id.toString()}${parts.length > 0 ? '?' : ''}${parts.map(([k, v]) => `${k}=${encode(v)}`).join('&')}`
  let text = write()
  // too long: drop hints from the last peer, then the name, then the title
  for (const drop of ['peer', 'name', 'title']) {
    while (text.length > BOOK_LINK_LIMITS.maxWrittenChars && parts.some(([k]) => k === drop)) {
      parts.splice(parts.findLastIndex(([k]) => k === drop), 1)
      text = write()
    }
  }
  return text
}
