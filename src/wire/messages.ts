// The wire messages every module uses: protons' codecs generated from protocols/arkshare.proto
// (pb/, with the uint64 writer corrected), the size and count limits each message is read with,
// and the one decode path every received message takes: wire format checked, then decoded.
import './protons-uint64.js'
import { FetchRequest, FetchResponse, RegisterRequest, RegisterResponse, SearchRequest, SearchResponse } from './pb/arkshare.js'
import { WIRE_SCHEMA } from './pb/wire-schema.js'
import { checkWireFormat } from './wire-check.js'
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
