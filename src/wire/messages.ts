// The wire messages every module uses: protons' codecs generated from protocols/arkshare.proto
// (pb/, with the uint64 writer corrected), the size and count limits each message is read with,
// and the one decode path every received message takes: wire format checked, then decoded.
import './protons-uint64.js'
import { MaxLengthError, writer } from 'protons-runtime'
import { Book, FetchRequest, FetchResponse, RegisterRequest, RegisterResponse, SearchRequest, SearchResponse } from './pb/arkshare.js'
import { WIRE_SCHEMA } from './pb/wire-schema.js'
import { readPlainBook } from './book-reader.js'
import { checkWireFormat, takeRepeatedField } from './wire-check.js'
import { FETCH_PROTOCOL, FETCH_RELAYED_PROTOCOL, LIMITS, REGISTER_PROTOCOL, SEARCH_PROTOCOL } from './protocols.js'
import type { DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export * from './pb/arkshare.js'

/** One message type as a reader receives it: its codec, the largest frame and the caps on repeated fields. */
export interface MessageSpec<T> {
  name: keyof typeof WIRE_SCHEMA & string
  codec: { encode: (obj: T) => Uint8Array, decode: (buf: Uint8Array, opts?: DecodeOptions<T>) => T }
  maxBytes: number
  limits?: DecodeOptions<T>['limits']
  /** Checks and decodes a received message its own way (else: checkWireFormat, then codec.decode). */
  decode?: (bytes: Uint8Array) => T
}

/** A protocol's two sides: what its client sends and what its server answers. */
export interface ExchangeSpec<Req, Res> {
  protocol: string
  request: MessageSpec<Req>
  response: MessageSpec<Res>
}

/**
 * Decodes a received message, refusing what protobuf itself would refuse (wrong wire types, bad
 * UTF-8, truncation) and what breaks the message's caps; throws MalformedMessageError or MaxLengthError.
 */
export function decodeMessage<T> (spec: MessageSpec<T>, bytes: Uint8Array | Uint8ArrayList): T {
  const flat = bytes instanceof Uint8Array ? bytes : bytes.subarray()
  if (spec.decode != null) return spec.decode(flat)
  checkWireFormat(flat, WIRE_SCHEMA, spec.name)
  return spec.codec.decode(flat, spec.limits == null ? undefined : { limits: spec.limits })
}

export const REGISTER: ExchangeSpec<RegisterRequest, RegisterResponse> = {
  protocol: REGISTER_PROTOCOL,
  request: {
    name: 'RegisterRequest',
    codec: RegisterRequest,
    maxBytes: LIMITS.register.maxMessageBytes,
    limits: { books: LIMITS.register.maxBooksPerMessage, remove: LIMITS.register.maxRemovesPerMessage }
  },
  response: { name: 'RegisterResponse', codec: RegisterResponse, maxBytes: LIMITS.register.maxResponseBytes }
}

/**
 * A RegisterRequest as the index reads it: its books still encoded, each checked and decoded by
 * `decodeBook` when the index gets to it. Decoding the 1,000 books a PUT may carry in one go held
 * the index's event loop for 2-10 ms (a search arriving meanwhile waited): the index decodes them
 * a slice at a time instead. The bytes on the wire are the same.
 */
export type RegisterRequestWithEncodedBooks = Omit<RegisterRequest, 'books'> & { encodedBooks: Uint8Array[] }

/** RegisterRequest.books (protocols/arkshare.proto). */
const BOOKS_FIELD = 3

/** The request with its books as field 3 after the other fields (protobuf reads a field's entries wherever they are). */
function encodeWithEncodedBooks ({ encodedBooks, ...request }: RegisterRequestWithEncodedBooks): Uint8Array {
  const head = RegisterRequest.encode({ ...request, books: [] })
  const books = writer()
  for (const book of encodedBooks) {
    books.uint32((BOOKS_FIELD << 3) | 2)
    books.bytes(book)
  }
  const tail = books.finish()
  const out = new Uint8Array(head.byteLength + tail.byteLength)
  out.set(head)
  out.set(tail, head.byteLength)
  return out
}

function decodeWithEncodedBooks (bytes: Uint8Array): RegisterRequestWithEncodedBooks {
  const { rest, entries } = takeRepeatedField(bytes, WIRE_SCHEMA, 'RegisterRequest', BOOKS_FIELD)
  if (entries.length > LIMITS.register.maxBooksPerMessage) throw new MaxLengthError('Decode error - repeated field "books" had too many elements')
  const { books, ...request } = RegisterRequest.decode(rest, { limits: REGISTER.request.limits })
  return { ...request, encodedBooks: entries }
}

/** The register exchange as the index serves it: PUT books decoded later, by `decodeBook`. */
export const REGISTER_AT_INDEX: ExchangeSpec<RegisterRequestWithEncodedBooks, RegisterResponse> = {
  protocol: REGISTER_PROTOCOL,
  request: {
    name: 'RegisterRequest',
    codec: { encode: encodeWithEncodedBooks, decode: decodeWithEncodedBooks },
    maxBytes: LIMITS.register.maxMessageBytes,
    decode: decodeWithEncodedBooks
  },
  response: REGISTER.response
}

/** One book of a RegisterRequestWithEncodedBooks, checked as decodeMessage checks a message (a plain one read in one pass: book-reader.ts). */
export function decodeBook (bytes: Uint8Array): Book {
  const plain = readPlainBook(bytes)
  if (plain != null) return plain
  checkWireFormat(bytes, WIRE_SCHEMA, 'Book')
  return Book.decode(bytes)
}

export const SEARCH: ExchangeSpec<SearchRequest, SearchResponse> = {
  protocol: SEARCH_PROTOCOL,
  request: { name: 'SearchRequest', codec: SearchRequest, maxBytes: LIMITS.search.maxRequestBytes },
  response: {
    name: 'SearchResponse',
    codec: SearchResponse,
    maxBytes: LIMITS.search.maxResponseBytes,
    limits: { results: LIMITS.search.maxResultsPerPage, results$: { providers: LIMITS.search.maxProvidersPerResult } } as DecodeOptions<SearchResponse>['limits']
  }
}

export const FETCH: ExchangeSpec<FetchRequest, FetchResponse> = {
  protocol: FETCH_PROTOCOL,
  request: { name: 'FetchRequest', codec: FetchRequest, maxBytes: LIMITS.fetch.maxRequestBytes },
  response: { name: 'FetchResponse', codec: FetchResponse, maxBytes: LIMITS.fetch.maxResponseBytes }
}

/** The same exchange over a relayed connection, small books only (spec 5.5). */
export const FETCH_RELAYED: ExchangeSpec<FetchRequest, FetchResponse> = { ...FETCH, protocol: FETCH_RELAYED_PROTOCOL }
