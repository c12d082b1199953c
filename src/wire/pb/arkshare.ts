import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum Status {
  OK = 'OK',
  QUEUED = 'QUEUED',
  E_INVALID_REQUEST = 'E_INVALID_REQUEST',
  E_MESSAGE_TOO_LARGE = 'E_MESSAGE_TOO_LARGE',
  E_INVALID_TTL = 'E_INVALID_TTL',
  E_NOT_AUTHORIZED = 'E_NOT_AUTHORIZED',
  E_RATE_LIMITED = 'E_RATE_LIMITED',
  E_NOT_FOUND = 'E_NOT_FOUND',
  E_INTERNAL_ERROR = 'E_INTERNAL_ERROR',
  E_UNAVAILABLE = 'E_UNAVAILABLE'
}

enum __StatusValues {
  OK = 0,
  QUEUED = 1,
  E_INVALID_REQUEST = 100,
  E_MESSAGE_TOO_LARGE = 101,
  E_INVALID_TTL = 102,
  E_NOT_AUTHORIZED = 200,
  E_RATE_LIMITED = 201,
  E_NOT_FOUND = 202,
  E_INTERNAL_ERROR = 300,
  E_UNAVAILABLE = 400
}

export namespace Status {
  export const codec = (): Codec<Status> => {
    return enumeration<Status>(__StatusValues)
  }
}

export interface Book {
  id: Uint8Array<ArrayBuffer>
  title: string
  author: string
  format: string
  size: bigint
  fileName: string
  language: string
}

export namespace Book {
  let _codec: Codec<Book>

  export const codec = (): Codec<Book> => {
    if (_codec == null) {
      _codec = message<Book>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.title != null && obj.title !== '')) {
          w.uint32(18)
          w.string(obj.title)
        }

        if ((obj.author != null && obj.author !== '')) {
          w.uint32(26)
          w.string(obj.author)
        }

        if ((obj.format != null && obj.format !== '')) {
          w.uint32(34)
          w.string(obj.format)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(40)
          w.uint64(obj.size)
        }

        if ((obj.fileName != null && obj.fileName !== '')) {
          w.uint32(50)
          w.string(obj.fileName)
        }

        if ((obj.language != null && obj.language !== '')) {
          w.uint32(58)
          w.string(obj.language)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          title: '',
          author: '',
          format: '',
          size: 0n,
          fileName: '',
          language: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.title = reader.string()
              break
            }
            case 3: {
              obj.author = reader.string()
              break
            }
            case 4: {
              obj.format = reader.string()
              break
            }
            case 5: {
              obj.size = reader.uint64()
              break
            }
            case 6: {
              obj.fileName = reader.string()
              break
            }
            case 7: {
              obj.language = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.title`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.author`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.format`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.fileName`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.language`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface BookIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BookTitleFieldEvent {
    field: '$.title'
    value: string
  }

  export interface BookAuthorFieldEvent {
    field: '$.author'
    value: string
  }

  export interface BookFormatFieldEvent {
    field: '$.format'
    value: string
  }

  export interface BookSizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export interface BookFileNameFieldEvent {
    field: '$.fileName'
    value: string
  }

  export interface BookLanguageFieldEvent {
    field: '$.language'
    value: string
  }

  export function encode (obj: Partial<Book>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Book.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Book>): Book {
    return decodeMessage(buf, Book.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Book>): Generator<BookIdFieldEvent | BookTitleFieldEvent | BookAuthorFieldEvent | BookFormatFieldEvent | BookSizeFieldEvent | BookFileNameFieldEvent | BookLanguageFieldEvent> {
    return streamMessage(buf, Book.codec(), opts)
  }
}

export enum Reachability {
  UNKNOWN = 'UNKNOWN',
  PUBLIC = 'PUBLIC',
  UPNP = 'UPNP',
  HOLE_PUNCHING = 'HOLE_PUNCHING',
  RELAY_ONLY = 'RELAY_ONLY'
}

enum __ReachabilityValues {
  UNKNOWN = 0,
  PUBLIC = 1,
  UPNP = 2,
  HOLE_PUNCHING = 3,
  RELAY_ONLY = 4
}

export namespace Reachability {
  export const codec = (): Codec<Reachability> => {
    return enumeration<Reachability>(__ReachabilityValues)
  }
}

export interface Provider {
  peerId: Uint8Array<ArrayBuffer>
  multiaddrs: Uint8Array<ArrayBuffer>[]
  reachability: Reachability
}

export namespace Provider {
  let _codec: Codec<Provider>

  export const codec = (): Codec<Provider> => {
    if (_codec == null) {
      _codec = message<Provider>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peerId)
        }

        if (obj.multiaddrs != null && obj.multiaddrs.length > 0) {
          for (const value of obj.multiaddrs) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (obj.reachability != null && __ReachabilityValues[obj.reachability] !== 0) {
          w.uint32(24)
          Reachability.codec().encode(obj.reachability, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: uint8ArrayAlloc(0),
          multiaddrs: [],
          reachability: Reachability.UNKNOWN
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.multiaddrs != null && obj.multiaddrs.length === opts.limits.multiaddrs) {
                throw new MaxLengthError('Decode error - repeated field "multiaddrs" had too many elements')
              }

              obj.multiaddrs.push(reader.bytes())
              break
            }
            case 3: {
              obj.reachability = Reachability.codec().decode(reader)
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          multiaddrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.multiaddrs != null && obj.multiaddrs === opts.limits.multiaddrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "multiaddrs" had too many elements')
              }

              yield {
                field: `${prefix}.multiaddrs[]`,
                index: obj.multiaddrs,
                value: reader.bytes()
              }

              obj.multiaddrs++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.reachability`,
                value: Reachability.codec().decode(reader)
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ProviderPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProviderMultiaddrsFieldEvent {
    field: '$.multiaddrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProviderReachabilityFieldEvent {
    field: '$.reachability'
    value: Reachability
  }

  export function encode (obj: Partial<Provider>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Provider.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Provider>): Provider {
    return decodeMessage(buf, Provider.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Provider>): Generator<ProviderPeerIdFieldEvent | ProviderMultiaddrsFieldEvent | ProviderReachabilityFieldEvent> {
    return streamMessage(buf, Provider.codec(), opts)
  }
}

export interface RegisterRequest {
  type: RegisterRequest.Type
  replace: boolean
  books: Book[]
  remove: Uint8Array<ArrayBuffer>[]
  ttl: number
  reachability: Reachability
  listingDigest?: Uint8Array<ArrayBuffer>
  keepListing?: boolean
}

export namespace RegisterRequest {
  export enum Type {
    PUT = 'PUT',
    REMOVE = 'REMOVE',
    RENEW = 'RENEW',
    UNREGISTER = 'UNREGISTER'
  }

  enum __TypeValues {
    PUT = 0,
    REMOVE = 1,
    RENEW = 2,
    UNREGISTER = 3
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<RegisterRequest>

  export const codec = (): Codec<RegisterRequest> => {
    if (_codec == null) {
      _codec = message<RegisterRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          RegisterRequest.Type.codec().encode(obj.type, w)
        }

        if ((obj.replace != null && obj.replace !== false)) {
          w.uint32(16)
          w.bool(obj.replace)
        }

        if (obj.books != null && obj.books.length > 0) {
          for (const value of obj.books) {
            w.uint32(26)
            Book.codec().encode(value, w)
          }
        }

        if (obj.remove != null && obj.remove.length > 0) {
          for (const value of obj.remove) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if ((obj.ttl != null && obj.ttl !== 0)) {
          w.uint32(40)
          w.uint32(obj.ttl)
        }

        if (obj.reachability != null && __ReachabilityValues[obj.reachability] !== 0) {
          w.uint32(48)
          Reachability.codec().encode(obj.reachability, w)
        }

        if (obj.listingDigest != null) {
          w.uint32(58)
          w.bytes(obj.listingDigest)
        }

        if (obj.keepListing != null) {
          w.uint32(64)
          w.bool(obj.keepListing)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.PUT,
          replace: false,
          books: [],
          remove: [],
          ttl: 0,
          reachability: Reachability.UNKNOWN
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = RegisterRequest.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.replace = reader.bool()
              break
            }
            case 3: {
              if (opts.limits?.books != null && obj.books.length === opts.limits.books) {
                throw new MaxLengthError('Decode error - repeated field "books" had too many elements')
              }

              obj.books.push(Book.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.books$
              }))
              break
            }
            case 4: {
              if (opts.limits?.remove != null && obj.remove.length === opts.limits.remove) {
                throw new MaxLengthError('Decode error - repeated field "remove" had too many elements')
              }

              obj.remove.push(reader.bytes())
              break
            }
            case 5: {
              obj.ttl = reader.uint32()
              break
            }
            case 6: {
              obj.reachability = Reachability.codec().decode(reader)
              break
            }
            case 7: {
              obj.listingDigest = reader.bytes()
              break
            }
            case 8: {
              obj.keepListing = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          books: 0,
          remove: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: RegisterRequest.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.replace`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              if (opts.limits?.books != null && obj.books === opts.limits.books) {
                throw new MaxLengthError('Streaming decode error - repeated field "books" had too many elements')
              }

              for (const evt of Book.codec().stream(reader, reader.uint32(), `${prefix}.books[]`, {
                limits: opts.limits?.books$
              })) {
                yield {
                  ...evt,
                  index: obj.books
                }
              }

              obj.books++

              break
            }
            case 4: {
              if (opts.limits?.remove != null && obj.remove === opts.limits.remove) {
                throw new MaxLengthError('Streaming decode error - repeated field "remove" had too many elements')
              }

              yield {
                field: `${prefix}.remove[]`,
                index: obj.remove,
                value: reader.bytes()
              }

              obj.remove++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.ttl`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.reachability`,
                value: Reachability.codec().decode(reader)
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.listingDigest`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.keepListing`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RegisterRequestTypeFieldEvent {
    field: '$.type'
    value: RegisterRequest.Type
  }

  export interface RegisterRequestReplaceFieldEvent {
    field: '$.replace'
    value: boolean
  }

  export interface RegisterRequestBooksIdFieldEvent {
    field: '$.books[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RegisterRequestBooksTitleFieldEvent {
    field: '$.books[].title'
    value: string
    index: number
  }

  export interface RegisterRequestBooksAuthorFieldEvent {
    field: '$.books[].author'
    value: string
    index: number
  }

  export interface RegisterRequestBooksFormatFieldEvent {
    field: '$.books[].format'
    value: string
    index: number
  }

  export interface RegisterRequestBooksSizeFieldEvent {
    field: '$.books[].size'
    value: bigint
    index: number
  }

  export interface RegisterRequestBooksFileNameFieldEvent {
    field: '$.books[].fileName'
    value: string
    index: number
  }

  export interface RegisterRequestBooksLanguageFieldEvent {
    field: '$.books[].language'
    value: string
    index: number
  }

  export interface RegisterRequestRemoveFieldEvent {
    field: '$.remove[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RegisterRequestTtlFieldEvent {
    field: '$.ttl'
    value: number
  }

  export interface RegisterRequestReachabilityFieldEvent {
    field: '$.reachability'
    value: Reachability
  }

  export interface RegisterRequestListingDigestFieldEvent {
    field: '$.listingDigest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RegisterRequestKeepListingFieldEvent {
    field: '$.keepListing'
    value: boolean
  }

  export function encode (obj: Partial<RegisterRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RegisterRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RegisterRequest>): RegisterRequest {
    return decodeMessage(buf, RegisterRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RegisterRequest>): Generator<RegisterRequestTypeFieldEvent | RegisterRequestReplaceFieldEvent | RegisterRequestBooksIdFieldEvent | RegisterRequestBooksTitleFieldEvent | RegisterRequestBooksAuthorFieldEvent | RegisterRequestBooksFormatFieldEvent | RegisterRequestBooksSizeFieldEvent | RegisterRequestBooksFileNameFieldEvent | RegisterRequestBooksLanguageFieldEvent | RegisterRequestRemoveFieldEvent | RegisterRequestTtlFieldEvent | RegisterRequestReachabilityFieldEvent | RegisterRequestListingDigestFieldEvent | RegisterRequestKeepListingFieldEvent> {
    return streamMessage(buf, RegisterRequest.codec(), opts)
  }
}

export interface RegisterResponse {
  status: Status
  message: string
  ttl: number
  books: number
  retryAfterSeconds: number
  listingDigest?: Uint8Array<ArrayBuffer>
}

export namespace RegisterResponse {
  let _codec: Codec<RegisterResponse>

  export const codec = (): Codec<RegisterResponse> => {
    if (_codec == null) {
      _codec = message<RegisterResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          Status.codec().encode(obj.status, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if ((obj.ttl != null && obj.ttl !== 0)) {
          w.uint32(24)
          w.uint32(obj.ttl)
        }

        if ((obj.books != null && obj.books !== 0)) {
          w.uint32(32)
          w.uint32(obj.books)
        }

        if ((obj.retryAfterSeconds != null && obj.retryAfterSeconds !== 0)) {
          w.uint32(40)
          w.uint32(obj.retryAfterSeconds)
        }

        if (obj.listingDigest != null) {
          w.uint32(50)
          w.bytes(obj.listingDigest)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          message: '',
          ttl: 0,
          books: 0,
          retryAfterSeconds: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = Status.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              obj.ttl = reader.uint32()
              break
            }
            case 4: {
              obj.books = reader.uint32()
              break
            }
            case 5: {
              obj.retryAfterSeconds = reader.uint32()
              break
            }
            case 6: {
              obj.listingDigest = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.status`,
                value: Status.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.ttl`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.books`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.retryAfterSeconds`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.listingDigest`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RegisterResponseStatusFieldEvent {
    field: '$.status'
    value: Status
  }

  export interface RegisterResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface RegisterResponseTtlFieldEvent {
    field: '$.ttl'
    value: number
  }

  export interface RegisterResponseBooksFieldEvent {
    field: '$.books'
    value: number
  }

  export interface RegisterResponseRetryAfterSecondsFieldEvent {
    field: '$.retryAfterSeconds'
    value: number
  }

  export interface RegisterResponseListingDigestFieldEvent {
    field: '$.listingDigest'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RegisterResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RegisterResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RegisterResponse>): RegisterResponse {
    return decodeMessage(buf, RegisterResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RegisterResponse>): Generator<RegisterResponseStatusFieldEvent | RegisterResponseMessageFieldEvent | RegisterResponseTtlFieldEvent | RegisterResponseBooksFieldEvent | RegisterResponseRetryAfterSecondsFieldEvent | RegisterResponseListingDigestFieldEvent> {
    return streamMessage(buf, RegisterResponse.codec(), opts)
  }
}

export interface SearchRequest {
  query: string
  limit: number
  offset: number
  provider: Uint8Array<ArrayBuffer>
  bookId: Uint8Array<ArrayBuffer>
  stats: boolean
  derivedFileNames: boolean
}

export namespace SearchRequest {
  let _codec: Codec<SearchRequest>

  export const codec = (): Codec<SearchRequest> => {
    if (_codec == null) {
      _codec = message<SearchRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.query != null && obj.query !== '')) {
          w.uint32(10)
          w.string(obj.query)
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(16)
          w.uint32(obj.limit)
        }

        if ((obj.offset != null && obj.offset !== 0)) {
          w.uint32(24)
          w.uint32(obj.offset)
        }

        if ((obj.provider != null && obj.provider.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.provider)
        }

        if ((obj.bookId != null && obj.bookId.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.bookId)
        }

        if ((obj.stats != null && obj.stats !== false)) {
          w.uint32(48)
          w.bool(obj.stats)
        }

        if ((obj.derivedFileNames != null && obj.derivedFileNames !== false)) {
          w.uint32(56)
          w.bool(obj.derivedFileNames)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          query: '',
          limit: 0,
          offset: 0,
          provider: uint8ArrayAlloc(0),
          bookId: uint8ArrayAlloc(0),
          stats: false,
          derivedFileNames: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.query = reader.string()
              break
            }
            case 2: {
              obj.limit = reader.uint32()
              break
            }
            case 3: {
              obj.offset = reader.uint32()
              break
            }
            case 4: {
              obj.provider = reader.bytes()
              break
            }
            case 5: {
              obj.bookId = reader.bytes()
              break
            }
            case 6: {
              obj.stats = reader.bool()
              break
            }
            case 7: {
              obj.derivedFileNames = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.query`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.limit`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.offset`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.provider`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.bookId`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.stats`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.derivedFileNames`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SearchRequestQueryFieldEvent {
    field: '$.query'
    value: string
  }

  export interface SearchRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export interface SearchRequestOffsetFieldEvent {
    field: '$.offset'
    value: number
  }

  export interface SearchRequestProviderFieldEvent {
    field: '$.provider'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SearchRequestBookIdFieldEvent {
    field: '$.bookId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SearchRequestStatsFieldEvent {
    field: '$.stats'
    value: boolean
  }

  export interface SearchRequestDerivedFileNamesFieldEvent {
    field: '$.derivedFileNames'
    value: boolean
  }

  export function encode (obj: Partial<SearchRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SearchRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SearchRequest>): SearchRequest {
    return decodeMessage(buf, SearchRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SearchRequest>): Generator<SearchRequestQueryFieldEvent | SearchRequestLimitFieldEvent | SearchRequestOffsetFieldEvent | SearchRequestProviderFieldEvent | SearchRequestBookIdFieldEvent | SearchRequestStatsFieldEvent | SearchRequestDerivedFileNamesFieldEvent> {
    return streamMessage(buf, SearchRequest.codec(), opts)
  }
}

export interface SearchResult {
  book?: Book
  providers: Provider[]
}

export namespace SearchResult {
  let _codec: Codec<SearchResult>

  export const codec = (): Codec<SearchResult> => {
    if (_codec == null) {
      _codec = message<SearchResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.book != null) {
          w.uint32(10)
          Book.codec().encode(obj.book, w)
        }

        if (obj.providers != null && obj.providers.length > 0) {
          for (const value of obj.providers) {
            w.uint32(18)
            Provider.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          providers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.book = Book.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.book
              })
              break
            }
            case 2: {
              if (opts.limits?.providers != null && obj.providers.length === opts.limits.providers) {
                throw new MaxLengthError('Decode error - repeated field "providers" had too many elements')
              }

              obj.providers.push(Provider.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.providers$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          providers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Book.codec().stream(reader, reader.uint32(), `${prefix}.book`, {
                limits: opts.limits?.book
              })

              break
            }
            case 2: {
              if (opts.limits?.providers != null && obj.providers === opts.limits.providers) {
                throw new MaxLengthError('Streaming decode error - repeated field "providers" had too many elements')
              }

              for (const evt of Provider.codec().stream(reader, reader.uint32(), `${prefix}.providers[]`, {
                limits: opts.limits?.providers$
              })) {
                yield {
                  ...evt,
                  index: obj.providers
                }
              }

              obj.providers++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SearchResultBookIdFieldEvent {
    field: '$.book.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SearchResultBookTitleFieldEvent {
    field: '$.book.title'
    value: string
  }

  export interface SearchResultBookAuthorFieldEvent {
    field: '$.book.author'
    value: string
  }

  export interface SearchResultBookFormatFieldEvent {
    field: '$.book.format'
    value: string
  }

  export interface SearchResultBookSizeFieldEvent {
    field: '$.book.size'
    value: bigint
  }

  export interface SearchResultBookFileNameFieldEvent {
    field: '$.book.fileName'
    value: string
  }

  export interface SearchResultBookLanguageFieldEvent {
    field: '$.book.language'
    value: string
  }

  export interface SearchResultProvidersPeerIdFieldEvent {
    field: '$.providers[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SearchResultProvidersMultiaddrsFieldEvent {
    field: '$.providers[].multiaddrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SearchResultProvidersReachabilityFieldEvent {
    field: '$.providers[].reachability'
    value: Reachability
    index: number
  }

  export function encode (obj: Partial<SearchResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SearchResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SearchResult>): SearchResult {
    return decodeMessage(buf, SearchResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SearchResult>): Generator<SearchResultBookIdFieldEvent | SearchResultBookTitleFieldEvent | SearchResultBookAuthorFieldEvent | SearchResultBookFormatFieldEvent | SearchResultBookSizeFieldEvent | SearchResultBookFileNameFieldEvent | SearchResultBookLanguageFieldEvent | SearchResultProvidersPeerIdFieldEvent | SearchResultProvidersMultiaddrsFieldEvent | SearchResultProvidersReachabilityFieldEvent> {
    return streamMessage(buf, SearchResult.codec(), opts)
  }
}

export interface SearchResponse {
  status: Status
  message: string
  results: SearchResult[]
  total: number
  retryAfterSeconds: number
  stats?: IndexStats
  totalIsEstimate: boolean
}

export namespace SearchResponse {
  let _codec: Codec<SearchResponse>

  export const codec = (): Codec<SearchResponse> => {
    if (_codec == null) {
      _codec = message<SearchResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          Status.codec().encode(obj.status, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (obj.results != null && obj.results.length > 0) {
          for (const value of obj.results) {
            w.uint32(26)
            SearchResult.codec().encode(value, w)
          }
        }

        if ((obj.total != null && obj.total !== 0)) {
          w.uint32(32)
          w.uint32(obj.total)
        }

        if ((obj.retryAfterSeconds != null && obj.retryAfterSeconds !== 0)) {
          w.uint32(40)
          w.uint32(obj.retryAfterSeconds)
        }

        if (obj.stats != null) {
          w.uint32(50)
          IndexStats.codec().encode(obj.stats, w)
        }

        if ((obj.totalIsEstimate != null && obj.totalIsEstimate !== false)) {
          w.uint32(56)
          w.bool(obj.totalIsEstimate)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          message: '',
          results: [],
          total: 0,
          retryAfterSeconds: 0,
          totalIsEstimate: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = Status.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.results != null && obj.results.length === opts.limits.results) {
                throw new MaxLengthError('Decode error - repeated field "results" had too many elements')
              }

              obj.results.push(SearchResult.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.results$
              }))
              break
            }
            case 4: {
              obj.total = reader.uint32()
              break
            }
            case 5: {
              obj.retryAfterSeconds = reader.uint32()
              break
            }
            case 6: {
              obj.stats = IndexStats.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.stats
              })
              break
            }
            case 7: {
              obj.totalIsEstimate = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          results: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.status`,
                value: Status.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.results != null && obj.results === opts.limits.results) {
                throw new MaxLengthError('Streaming decode error - repeated field "results" had too many elements')
              }

              for (const evt of SearchResult.codec().stream(reader, reader.uint32(), `${prefix}.results[]`, {
                limits: opts.limits?.results$
              })) {
                yield {
                  ...evt,
                  index: obj.results
                }
              }

              obj.results++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.total`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.retryAfterSeconds`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield * IndexStats.codec().stream(reader, reader.uint32(), `${prefix}.stats`, {
                limits: opts.limits?.stats
              })

              break
            }
            case 7: {
              yield {
                field: `${prefix}.totalIsEstimate`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SearchResponseStatusFieldEvent {
    field: '$.status'
    value: Status
  }

  export interface SearchResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface SearchResponseResultsBookIdFieldEvent {
    field: '$.results[].book.id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SearchResponseResultsBookTitleFieldEvent {
    field: '$.results[].book.title'
    value: string
    index: number
  }

  export interface SearchResponseResultsBookAuthorFieldEvent {
    field: '$.results[].book.author'
    value: string
    index: number
  }

  export interface SearchResponseResultsBookFormatFieldEvent {
    field: '$.results[].book.format'
    value: string
    index: number
  }

  export interface SearchResponseResultsBookSizeFieldEvent {
    field: '$.results[].book.size'
    value: bigint
    index: number
  }

  export interface SearchResponseResultsBookFileNameFieldEvent {
    field: '$.results[].book.fileName'
    value: string
    index: number
  }

  export interface SearchResponseResultsBookLanguageFieldEvent {
    field: '$.results[].book.language'
    value: string
    index: number
  }

  export interface SearchResponseResultsProvidersPeerIdFieldEvent {
    field: '$.results[].providers[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SearchResponseResultsProvidersMultiaddrsFieldEvent {
    field: '$.results[].providers[].multiaddrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SearchResponseResultsProvidersReachabilityFieldEvent {
    field: '$.results[].providers[].reachability'
    value: Reachability
    index: number
  }

  export interface SearchResponseTotalFieldEvent {
    field: '$.total'
    value: number
  }

  export interface SearchResponseRetryAfterSecondsFieldEvent {
    field: '$.retryAfterSeconds'
    value: number
  }

  export interface SearchResponseStatsPeersOnlineFieldEvent {
    field: '$.stats.peersOnline'
    value: number
  }

  export interface SearchResponseStatsPeersRegisteredFieldEvent {
    field: '$.stats.peersRegistered'
    value: number
  }

  export interface SearchResponseStatsBooksFieldEvent {
    field: '$.stats.books'
    value: number
  }

  export interface SearchResponseStatsProvidersFieldEvent {
    field: '$.stats.providers'
    value: number
  }

  export interface SearchResponseStatsRelayReservationsFieldEvent {
    field: '$.stats.relayReservations'
    value: number
  }

  export interface SearchResponseStatsRelayCircuitsFieldEvent {
    field: '$.stats.relayCircuits'
    value: number
  }

  export interface SearchResponseStatsRelayedBytesFieldEvent {
    field: '$.stats.relayedBytes'
    value: bigint
  }

  export interface SearchResponseStatsRelayLargestCircuitBytesFieldEvent {
    field: '$.stats.relayLargestCircuitBytes'
    value: bigint
  }

  export interface SearchResponseTotalIsEstimateFieldEvent {
    field: '$.totalIsEstimate'
    value: boolean
  }

  export function encode (obj: Partial<SearchResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SearchResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SearchResponse>): SearchResponse {
    return decodeMessage(buf, SearchResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SearchResponse>): Generator<SearchResponseStatusFieldEvent | SearchResponseMessageFieldEvent | SearchResponseResultsBookIdFieldEvent | SearchResponseResultsBookTitleFieldEvent | SearchResponseResultsBookAuthorFieldEvent | SearchResponseResultsBookFormatFieldEvent | SearchResponseResultsBookSizeFieldEvent | SearchResponseResultsBookFileNameFieldEvent | SearchResponseResultsBookLanguageFieldEvent | SearchResponseResultsProvidersPeerIdFieldEvent | SearchResponseResultsProvidersMultiaddrsFieldEvent | SearchResponseResultsProvidersReachabilityFieldEvent | SearchResponseTotalFieldEvent | SearchResponseRetryAfterSecondsFieldEvent | SearchResponseStatsPeersOnlineFieldEvent | SearchResponseStatsPeersRegisteredFieldEvent | SearchResponseStatsBooksFieldEvent | SearchResponseStatsProvidersFieldEvent | SearchResponseStatsRelayReservationsFieldEvent | SearchResponseStatsRelayCircuitsFieldEvent | SearchResponseStatsRelayedBytesFieldEvent | SearchResponseStatsRelayLargestCircuitBytesFieldEvent | SearchResponseTotalIsEstimateFieldEvent> {
    return streamMessage(buf, SearchResponse.codec(), opts)
  }
}

export interface IndexStats {
  peersOnline: number
  peersRegistered: number
  books: number
  providers: number
  relayReservations: number
  relayCircuits: number
  relayedBytes: bigint
  relayLargestCircuitBytes: bigint
}

export namespace IndexStats {
  let _codec: Codec<IndexStats>

  export const codec = (): Codec<IndexStats> => {
    if (_codec == null) {
      _codec = message<IndexStats>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peersOnline != null && obj.peersOnline !== 0)) {
          w.uint32(8)
          w.uint32(obj.peersOnline)
        }

        if ((obj.peersRegistered != null && obj.peersRegistered !== 0)) {
          w.uint32(16)
          w.uint32(obj.peersRegistered)
        }

        if ((obj.books != null && obj.books !== 0)) {
          w.uint32(24)
          w.uint32(obj.books)
        }

        if ((obj.providers != null && obj.providers !== 0)) {
          w.uint32(32)
          w.uint32(obj.providers)
        }

        if ((obj.relayReservations != null && obj.relayReservations !== 0)) {
          w.uint32(40)
          w.uint32(obj.relayReservations)
        }

        if ((obj.relayCircuits != null && obj.relayCircuits !== 0)) {
          w.uint32(48)
          w.uint32(obj.relayCircuits)
        }

        if ((obj.relayedBytes != null && obj.relayedBytes !== 0n)) {
          w.uint32(56)
          w.uint64(obj.relayedBytes)
        }

        if ((obj.relayLargestCircuitBytes != null && obj.relayLargestCircuitBytes !== 0n)) {
          w.uint32(64)
          w.uint64(obj.relayLargestCircuitBytes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peersOnline: 0,
          peersRegistered: 0,
          books: 0,
          providers: 0,
          relayReservations: 0,
          relayCircuits: 0,
          relayedBytes: 0n,
          relayLargestCircuitBytes: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peersOnline = reader.uint32()
              break
            }
            case 2: {
              obj.peersRegistered = reader.uint32()
              break
            }
            case 3: {
              obj.books = reader.uint32()
              break
            }
            case 4: {
              obj.providers = reader.uint32()
              break
            }
            case 5: {
              obj.relayReservations = reader.uint32()
              break
            }
            case 6: {
              obj.relayCircuits = reader.uint32()
              break
            }
            case 7: {
              obj.relayedBytes = reader.uint64()
              break
            }
            case 8: {
              obj.relayLargestCircuitBytes = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peersOnline`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peersRegistered`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.books`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.providers`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.relayReservations`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.relayCircuits`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.relayedBytes`,
                value: reader.uint64()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.relayLargestCircuitBytes`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface IndexStatsPeersOnlineFieldEvent {
    field: '$.peersOnline'
    value: number
  }

  export interface IndexStatsPeersRegisteredFieldEvent {
    field: '$.peersRegistered'
    value: number
  }

  export interface IndexStatsBooksFieldEvent {
    field: '$.books'
    value: number
  }

  export interface IndexStatsProvidersFieldEvent {
    field: '$.providers'
    value: number
  }

  export interface IndexStatsRelayReservationsFieldEvent {
    field: '$.relayReservations'
    value: number
  }

  export interface IndexStatsRelayCircuitsFieldEvent {
    field: '$.relayCircuits'
    value: number
  }

  export interface IndexStatsRelayedBytesFieldEvent {
    field: '$.relayedBytes'
    value: bigint
  }

  export interface IndexStatsRelayLargestCircuitBytesFieldEvent {
    field: '$.relayLargestCircuitBytes'
    value: bigint
  }

  export function encode (obj: Partial<IndexStats>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, IndexStats.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<IndexStats>): IndexStats {
    return decodeMessage(buf, IndexStats.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<IndexStats>): Generator<IndexStatsPeersOnlineFieldEvent | IndexStatsPeersRegisteredFieldEvent | IndexStatsBooksFieldEvent | IndexStatsProvidersFieldEvent | IndexStatsRelayReservationsFieldEvent | IndexStatsRelayCircuitsFieldEvent | IndexStatsRelayedBytesFieldEvent | IndexStatsRelayLargestCircuitBytesFieldEvent> {
    return streamMessage(buf, IndexStats.codec(), opts)
  }
}

export interface FetchRequest {
  type: FetchRequest.Type
  bookId: Uint8Array<ArrayBuffer>
  firstChunk: number
  chunkCount: number
}

export namespace FetchRequest {
  export enum Type {
    MANIFEST = 'MANIFEST',
    CHUNKS = 'CHUNKS'
  }

  enum __TypeValues {
    MANIFEST = 0,
    CHUNKS = 1
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<FetchRequest>

  export const codec = (): Codec<FetchRequest> => {
    if (_codec == null) {
      _codec = message<FetchRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          FetchRequest.Type.codec().encode(obj.type, w)
        }

        if ((obj.bookId != null && obj.bookId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.bookId)
        }

        if ((obj.firstChunk != null && obj.firstChunk !== 0)) {
          w.uint32(24)
          w.uint32(obj.firstChunk)
        }

        if ((obj.chunkCount != null && obj.chunkCount !== 0)) {
          w.uint32(32)
          w.uint32(obj.chunkCount)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.MANIFEST,
          bookId: uint8ArrayAlloc(0),
          firstChunk: 0,
          chunkCount: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = FetchRequest.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.bookId = reader.bytes()
              break
            }
            case 3: {
              obj.firstChunk = reader.uint32()
              break
            }
            case 4: {
              obj.chunkCount = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: FetchRequest.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.bookId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.firstChunk`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.chunkCount`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FetchRequestTypeFieldEvent {
    field: '$.type'
    value: FetchRequest.Type
  }

  export interface FetchRequestBookIdFieldEvent {
    field: '$.bookId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FetchRequestFirstChunkFieldEvent {
    field: '$.firstChunk'
    value: number
  }

  export interface FetchRequestChunkCountFieldEvent {
    field: '$.chunkCount'
    value: number
  }

  export function encode (obj: Partial<FetchRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FetchRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FetchRequest>): FetchRequest {
    return decodeMessage(buf, FetchRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FetchRequest>): Generator<FetchRequestTypeFieldEvent | FetchRequestBookIdFieldEvent | FetchRequestFirstChunkFieldEvent | FetchRequestChunkCountFieldEvent> {
    return streamMessage(buf, FetchRequest.codec(), opts)
  }
}

export interface FetchResponse {
  status: Status
  message: string
  size: bigint
  chunkSize: number
  chunkHashes: Uint8Array<ArrayBuffer>
  length: bigint
  queuePosition: number
  retryAfterSeconds: number
}

export namespace FetchResponse {
  let _codec: Codec<FetchResponse>

  export const codec = (): Codec<FetchResponse> => {
    if (_codec == null) {
      _codec = message<FetchResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          Status.codec().encode(obj.status, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(24)
          w.uint64(obj.size)
        }

        if ((obj.chunkSize != null && obj.chunkSize !== 0)) {
          w.uint32(32)
          w.uint32(obj.chunkSize)
        }

        if ((obj.chunkHashes != null && obj.chunkHashes.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.chunkHashes)
        }

        if ((obj.length != null && obj.length !== 0n)) {
          w.uint32(48)
          w.uint64(obj.length)
        }

        if ((obj.queuePosition != null && obj.queuePosition !== 0)) {
          w.uint32(56)
          w.uint32(obj.queuePosition)
        }

        if ((obj.retryAfterSeconds != null && obj.retryAfterSeconds !== 0)) {
          w.uint32(64)
          w.uint32(obj.retryAfterSeconds)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          message: '',
          size: 0n,
          chunkSize: 0,
          chunkHashes: uint8ArrayAlloc(0),
          length: 0n,
          queuePosition: 0,
          retryAfterSeconds: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = Status.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              obj.size = reader.uint64()
              break
            }
            case 4: {
              obj.chunkSize = reader.uint32()
              break
            }
            case 5: {
              obj.chunkHashes = reader.bytes()
              break
            }
            case 6: {
              obj.length = reader.uint64()
              break
            }
            case 7: {
              obj.queuePosition = reader.uint32()
              break
            }
            case 8: {
              obj.retryAfterSeconds = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.status`,
                value: Status.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.chunkSize`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.chunkHashes`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.length`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.queuePosition`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.retryAfterSeconds`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FetchResponseStatusFieldEvent {
    field: '$.status'
    value: Status
  }

  export interface FetchResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface FetchResponseSizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export interface FetchResponseChunkSizeFieldEvent {
    field: '$.chunkSize'
    value: number
  }

  export interface FetchResponseChunkHashesFieldEvent {
    field: '$.chunkHashes'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FetchResponseLengthFieldEvent {
    field: '$.length'
    value: bigint
  }

  export interface FetchResponseQueuePositionFieldEvent {
    field: '$.queuePosition'
    value: number
  }

  export interface FetchResponseRetryAfterSecondsFieldEvent {
    field: '$.retryAfterSeconds'
    value: number
  }

  export function encode (obj: Partial<FetchResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FetchResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FetchResponse>): FetchResponse {
    return decodeMessage(buf, FetchResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FetchResponse>): Generator<FetchResponseStatusFieldEvent | FetchResponseMessageFieldEvent | FetchResponseSizeFieldEvent | FetchResponseChunkSizeFieldEvent | FetchResponseChunkHashesFieldEvent | FetchResponseLengthFieldEvent | FetchResponseQueuePositionFieldEvent | FetchResponseRetryAfterSecondsFieldEvent> {
    return streamMessage(buf, FetchResponse.codec(), opts)
  }
}
