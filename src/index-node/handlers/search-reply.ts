// A search page as the wire carries it. The index answers thousands of searches a second, and the
// generated protobuf codec spent as long encoding a page as the text index took to find it
// (building an object per book and provider, then writing each field through a generic writer);
// so a page is written straight into bytes here: each provider's Provider message encoded once
// and copied, strings written in place. The bytes are exactly what the generated codec writes for
// the same reply (tests compare them), so nothing on the wire changes. To a client that derives file
// names (spec 5.3: `derived_file_names`), a file name equal to the book's derived one is left out:
// it is most of them, and a fifth of a result's bytes.
import { bookIdByteLength, bookIdBytesOf, writeBookIdBytes } from '../../content/book-id.js'
import { Status } from '../../wire/errors.js'
import { Provider, type SearchResponse } from '../../wire/messages.js'
import { LIMITS } from '../../wire/protocols.js'
import { bookToWire, isDerivedFileName, providerToWire, type BookRecord } from '../../wire/records.js'
import type { ProviderRecord, SearchPage } from '../catalog/catalog.js'

/** Field tags (field number << 3 | wire type) of the messages written here, as arkshare.proto numbers them. */
const TAG = {
  response: { results: 3 << 3 | 2, total: 4 << 3, totalIsEstimate: 7 << 3 },
  result: { book: 1 << 3 | 2, provider: 2 << 3 | 2 },
  book: { id: 1 << 3 | 2, title: 2 << 3 | 2, author: 3 << 3 | 2, format: 4 << 3 | 2, size: 5 << 3, fileName: 6 << 3 | 2, language: 7 << 3 | 2 }
}

const varintLength = (n: number): number => n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : Math.ceil(Math.log2(n + 1) / 7)

/** Writes `n` (up to 2^53) as a varint at `at`; returns where it ends. */
function writeVarint (bytes: Uint8Array, at: number, n: number): number {
  // the low 7 bits by division: past 32 bits bitwise operators stop working
  while (n >= 0x80) { bytes[at++] = (n % 0x80) | 0x80; n = Math.floor(n / 0x80) }
  bytes[at++] = n
  return at
}

/** A growing buffer that protobuf fields are written into. */
class FieldWriter {
  bytes = Buffer.alloc(16 * 1024)
  at = 0

  room (n: number): void {
    if (this.at + n <= this.bytes.length) return
    const next = Buffer.alloc(Math.max(this.bytes.length * 2, this.at + n))
    next.set(this.bytes.subarray(0, this.at))
    this.bytes = next
  }

  varint (n: number): void {
    this.room(10)
    this.at = writeVarint(this.bytes, this.at, n)
  }

  raw (bytes: Uint8Array): void {
    this.room(bytes.byteLength)
    this.bytes.set(bytes, this.at)
    this.at += bytes.byteLength
  }

  /** A string field, left out when empty (proto3's default). */
  string (tag: number, text: string): void {
    if (text === '') return
    this.varint(tag)
    this.room(text.length * 3 + 5)
    const start = this.at
    // written after a one-byte length, moved along when its length needs more (in place: no view per string)
    const written = this.bytes.write(text, start + 1, 'utf8')
    this.at = start + 1
    this.closeLength(start, written)
  }

  /** Starts a length-delimited field whose content follows; endLength() fills in its length. */
  startLength (tag: number): number {
    this.varint(tag)
    this.room(1)
    return this.at++
  }

  endLength (start: number): void {
    this.closeLength(start, this.at - start - 1)
  }

  /** Writes the length `n` at `start`, where content of n bytes begins at start + 1. */
  private closeLength (start: number, n: number): void {
    const size = varintLength(n)
    this.at = start + 1 + n
    if (size > 1) {
      this.room(size - 1)
      this.bytes.copyWithin(start + size, start + 1, start + 1 + n)
    }
    writeVarint(this.bytes, start, n)
    this.at = start + size + n
  }
}

export interface ReplyOptions {
  /** The request set `derived_file_names`: file names equal to the derived one are left out. */
  derivedFileNames?: boolean
}

/** The file name a reply carries: empty when the client derives this one. */
const sentFileName = (book: BookRecord, options: ReplyOptions): string =>
  options.derivedFileNames === true && isDerivedFileName(book) ? '' : book.fileName

export class SearchReplies {
  /**
   * Each provider's Provider message, encoded once: the catalog replaces a provider's record when
   * it changes and never edits one, so the record itself is the key.
   */
  private readonly providerBytes = new WeakMap<ProviderRecord, Uint8Array>()
  private readonly writer = new FieldWriter()

  /** The reply carrying `page`, encoded (a SearchResponse). */
  encode (page: SearchPage, options: ReplyOptions = {}): Uint8Array {
    const w = this.writer
    w.at = 0
    for (const hit of page.hits) {
      const result = w.startLength(TAG.response.results)
      this.writeBook(hit.book, options)
      const providers = Math.min(hit.providers.length, LIMITS.search.maxProvidersPerResult)
      for (let i = 0; i < providers; i++) {
        const provider = this.encodedProvider(hit.providers[i])
        w.varint(TAG.result.provider)
        w.varint(provider.byteLength)
        w.raw(provider)
      }
      w.endLength(result)
    }
    if (page.total !== 0) { w.varint(TAG.response.total); w.varint(page.total) }
    if (page.totalIsEstimate) { w.varint(TAG.response.totalIsEstimate); w.varint(1) }
    // a copy (Buffer's slice() would be a view of the writer, which the next reply overwrites)
    return new Uint8Array(w.bytes.subarray(0, w.at))
  }

  /** The same reply as an object, for the generated codec (what encode() must equal). */
  reply (page: SearchPage, options: ReplyOptions = {}): SearchResponse {
    return {
      status: Status.OK,
      message: '',
      total: page.total,
      totalIsEstimate: page.totalIsEstimate,
      retryAfterSeconds: 0,
      stats: undefined,
      results: page.hits.map(hit => ({
        book: bookToWire({ ...hit.book, fileName: sentFileName(hit.book, options) }),
        providers: hit.providers.slice(0, LIMITS.search.maxProvidersPerResult).map(p => providerToWire(p))
      }))
    }
  }

  private writeBook (book: BookRecord, options: ReplyOptions): void {
    const w = this.writer
    const start = w.startLength(TAG.result.book)
    this.writeBookId(book.id)
    w.string(TAG.book.title, book.title)
    w.string(TAG.book.author, book.author)
    w.string(TAG.book.format, book.format)
    if (book.size !== 0) { w.varint(TAG.book.size); w.varint(book.size) }
    w.string(TAG.book.fileName, sentFileName(book, options))
    w.string(TAG.book.language, book.language)
    w.endLength(start)
  }

  /** The book ID field, its bytes written in place (bookIdBytesOf for an ID not held as plain base32). */
  private writeBookId (id: string): void {
    const w = this.writer
    const length = bookIdByteLength(id)
    const from = w.at
    if (length > 0) {
      w.varint(TAG.book.id)
      w.varint(length)
      w.room(length)
      const end = writeBookIdBytes(id, w.bytes, w.at)
      if (end !== -1) { w.at = end; return }
      w.at = from
    }
    const bytes = bookIdBytesOf(id)
    if (bytes.byteLength > 0) { w.varint(TAG.book.id); w.varint(bytes.byteLength); w.raw(bytes) }
  }

  private encodedProvider (provider: ProviderRecord): Uint8Array {
    let bytes = this.providerBytes.get(provider)
    if (bytes == null) {
      bytes = Provider.encode(providerToWire(provider))
      this.providerBytes.set(provider, bytes)
    }
    return bytes
  }
}
