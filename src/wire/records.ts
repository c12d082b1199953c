// Conversions between wire messages and the plain records the rest of the code uses, with the
// validation every received Book gets before it is trusted (sizes, lengths, a parsable book ID).
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { bookIdBytesOf, bookIdTextOf } from '../content/book-id.js'
import { LIMITS } from './protocols.js'
import { Reachability as WireReachability, Status, type Book, type Provider } from './messages.js'
import { RequestError } from './errors.js'
import type { PeerId } from '@libp2p/interface'

export interface BookRecord {
  id: string
  title: string
  author: string
  format: string
  size: number
  fileName: string
  language: string
}

/** How a provider said others can reach it (spec 5.1): the wire's Reachability, by name. */
export type ProviderReachability = 'unknown' | 'public' | 'upnp' | 'hole-punching' | 'relay-only'

const REACHABILITY: Record<ProviderReachability, WireReachability> = {
  unknown: WireReachability.UNKNOWN,
  public: WireReachability.PUBLIC,
  upnp: WireReachability.UPNP,
  'hole-punching': WireReachability.HOLE_PUNCHING,
  'relay-only': WireReachability.RELAY_ONLY
}

export function reachabilityToWire (reachability: ProviderReachability | undefined): WireReachability {
  return REACHABILITY[reachability ?? 'unknown']
}

/** A value this version does not know (a newer peer's) reads as unknown. */
export function reachabilityFromWire (reachability: WireReachability): ProviderReachability {
  return (Object.keys(REACHABILITY) as ProviderReachability[]).find(name => REACHABILITY[name] === reachability) ?? 'unknown'
}

export interface ProviderInfo {
  peerId: string
  multiaddrs: string[]
  /** How the provider said others can reach it (absent: unknown). */
  reachability?: ProviderReachability
}

export function bookToWire (book: BookRecord): Book {
  return {
    id: bookIdBytesOf(book.id),
    title: book.title,
    author: book.author,
    format: book.format,
    size: BigInt(book.size),
    fileName: book.fileName,
    language: book.language
  }
}

/** A book's format: its file extension in lower case, without the dot (spec 5.1). */
const FORMAT = /^[a-z0-9]*$/
/** A BCP 47 language tag's shape: a primary subtag of letters, then subtags of letters and digits. */
const LANGUAGE_TAG = /^(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)?$/

/** Lengths count UTF-16 code units, as JavaScript's String.length does (spec 5.1). */
function checkLength (field: string, value: string, max: number): void {
  if (value.length > max) throw new RequestError(Status.E_INVALID_REQUEST, `${field} longer than ${max} characters`)
}

/**
 * A book's derived file name (spec 5.1): `Author - Title.format`, without `Author - ` when the
 * author is empty and without `.format` when the format is. A search reply may leave out a file
 * name equal to it (spec 5.3: `derived_file_names`).
 */
export function derivedFileName (book: Pick<BookRecord, 'title' | 'author' | 'format'>): string {
  return `${book.author === '' ? '' : `${book.author} - `}${book.title}${book.format === '' ? '' : `.${book.format}`}`
}

/**
 * Whether a book's file name is its derived one: derivedFileName(book) === book.fileName, compared
 * in place (an index checks every result of every search reply, and building the name was most of
 * what writing a result allocated).
 */
export function isDerivedFileName (book: Pick<BookRecord, 'title' | 'author' | 'format' | 'fileName'>): boolean {
  const { fileName, author, title, format } = book
  let at = 0
  if (author !== '') {
    if (!fileName.startsWith(author) || !fileName.startsWith(' - ', author.length)) return false
    at = author.length + 3
  }
  if (!fileName.startsWith(title, at)) return false
  at += title.length
  if (format === '') return fileName.length === at
  return fileName.length === at + 1 + format.length && fileName.charCodeAt(at) === 0x2e && fileName.endsWith(format)
}

/** Validates a Book from the network; throws RequestError(E_INVALID_REQUEST) with the reason. */
export function bookFromWire (book: Book): BookRecord {
  let id: string
  try {
    id = bookIdTextOf(book.id)
  } catch (err) {
    throw new RequestError(Status.E_INVALID_REQUEST, (err as Error).message)
  }
  const { book: limits } = LIMITS
  checkLength('title', book.title, limits.maxTitleChars)
  checkLength('author', book.author, limits.maxAuthorChars)
  checkLength('file_name', book.fileName, limits.maxFileNameChars)
  checkLength('format', book.format, limits.maxFormatChars)
  checkLength('language', book.language, limits.maxLanguageChars)
  if (book.size > BigInt(limits.maxSizeBytes)) throw new RequestError(Status.E_INVALID_REQUEST, `size above the largest book (${limits.maxSizeBytes} bytes)`)
  if (/[/\\\0]/.test(book.fileName)) throw new RequestError(Status.E_INVALID_REQUEST, 'file_name must be a base name')
  if (!FORMAT.test(book.format)) throw new RequestError(Status.E_INVALID_REQUEST, 'format must be a lower-case file extension without the dot')
  if (!LANGUAGE_TAG.test(book.language)) throw new RequestError(Status.E_INVALID_REQUEST, 'language must be a BCP 47 tag or empty')
  return {
    id,
    title: book.title,
    author: book.author,
    format: book.format,
    size: Number(book.size),
    fileName: book.fileName,
    language: book.language
  }
}

/** At most `max` UTF-16 code units, never splitting a surrogate pair. */
function clip (text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut
}

/**
 * A book of our own shelf as the wire allows it: over-long text clipped, a format or language tag
 * the wire refuses left empty. An index refuses a whole message for one bad book, so a shelf never
 * sends one.
 */
export function fitBook (book: BookRecord): BookRecord {
  const { book: limits } = LIMITS
  const format = book.format.toLowerCase().replace(/^\./, '')
  const language = book.language.trim().replace(/_/g, '-')
  return {
    id: book.id,
    title: clip(book.title, limits.maxTitleChars),
    author: clip(book.author, limits.maxAuthorChars),
    format: FORMAT.test(format) && format.length <= limits.maxFormatChars ? format : '',
    size: book.size,
    // a Linux file name may hold a backslash, which the wire reads as a path separator
    fileName: clip(book.fileName.replace(/[\\\0]/g, '_'), limits.maxFileNameChars),
    language: LANGUAGE_TAG.test(language) && language.length <= limits.maxLanguageChars ? language : ''
  }
}

export function peerIdToBytes (peerId: PeerId | string): Uint8Array<ArrayBuffer> {
  return (typeof peerId === 'string' ? peerIdFromString(peerId) : peerId).toMultihash().bytes as Uint8Array<ArrayBuffer>
}

export function peerIdFromBytes (bytes: Uint8Array): PeerId {
  return peerIdFromMultihash(Digest.decode(bytes))
}

export function providerToWire (provider: ProviderInfo): Provider {
  return {
    peerId: peerIdToBytes(provider.peerId),
    multiaddrs: provider.multiaddrs.slice(0, LIMITS.search.maxAddrsPerProvider).map(addr => multiaddr(addr).bytes as Uint8Array<ArrayBuffer>),
    reachability: reachabilityToWire(provider.reachability)
  }
}

/** Providers come from an index we do not fully trust: drop what does not parse instead of failing. */
export function providerFromWire (provider: Provider): ProviderInfo | undefined {
  try {
    const peerId = peerIdFromBytes(provider.peerId).toString()
    const multiaddrs: string[] = []
    for (const bytes of provider.multiaddrs.slice(0, LIMITS.search.maxAddrsPerProvider)) {
      try { multiaddrs.push(multiaddr(bytes).toString()) } catch { /* skip unparsable address */ }
    }
    return { peerId, multiaddrs, reachability: reachabilityFromWire(provider.reachability) }
  } catch {
    return undefined
  }
}
