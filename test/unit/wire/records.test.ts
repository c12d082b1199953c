import assert from 'node:assert/strict'
import { bookIdOf } from '../../../src/content/book-id.js'
import { Reachability, RegisterRequest, SearchRequest, SearchResponse, FetchResponse, Status } from '../../../src/wire/messages.js'
import { bookFromWire, bookToWire, derivedFileName, fitBook, isDerivedFileName, providerFromWire, providerToWire, type BookRecord } from '../../../src/wire/records.js'
import { frame } from '../../../src/wire/framing.js'
import { LIMITS } from '../../../src/wire/protocols.js'
import { RequestError } from '../../../src/wire/errors.js'

const id = bookIdOf({ size: 3, chunkSize: 262144, chunkHashes: new Uint8Array(32).fill(7) }).toString()
const book: BookRecord = { id, title: 'Moby Dick', author: 'Herman Melville', format: 'epub', size: 3, fileName: 'Moby Dick.epub', language: 'en' }

describe('wire codecs and validation', () => {
  it('round-trips a registration through protobuf', () => {
    const bytes = RegisterRequest.encode({ type: RegisterRequest.Type.PUT, replace: true, books: [bookToWire(book)], remove: [], ttl: 60 })
    const decoded = RegisterRequest.decode(bytes)
    assert.equal(decoded.type, RegisterRequest.Type.PUT)
    assert.equal(decoded.ttl, 60)
    assert.deepEqual(bookFromWire(decoded.books[0]), book)
  })

  it('caps repeated fields while decoding', () => {
    const books = Array.from({ length: LIMITS.register.maxBooksPerMessage + 1 }, () => bookToWire(book))
    const bytes = RegisterRequest.encode({ type: RegisterRequest.Type.PUT, replace: false, books, remove: [], ttl: 0 })
    assert.throws(() => RegisterRequest.decode(bytes, { limits: { books: LIMITS.register.maxBooksPerMessage } }), /max length|MaxLength/i)
  })

  it('keeps status codes and enum names stable', () => {
    const reply = FetchResponse.decode(FetchResponse.encode({ status: Status.E_NOT_FOUND, message: 'nope', size: 0n, chunkSize: 0, chunkHashes: new Uint8Array(), length: 0n, queuePosition: 0, retryAfterSeconds: 0 }))
    assert.equal(reply.status, Status.E_NOT_FOUND)
    // the numeric value on the wire is the spec's 202
    const bytes = SearchResponse.encode({ status: Status.E_NOT_FOUND, message: '', results: [], total: 0, retryAfterSeconds: 0 })
    assert.deepEqual([...bytes.subarray(0, 3)], [0x08, 0xca, 0x01])
  })

  it('rejects invalid books from the network with a reason', () => {
    const wire = bookToWire(book)
    const bad = (patch: Partial<typeof wire>): void => { assert.throws(() => bookFromWire({ ...wire, ...patch }), RequestError) }
    bad({ id: new Uint8Array([1, 2, 3]) })
    bad({ title: 'x'.repeat(LIMITS.book.maxTitleChars + 1) })
    bad({ fileName: '../etc/passwd' })
    bad({ fileName: 'a\0b' })
    bad({ size: 2n ** 60n })
  })

  it('checks every Book field the spec constrains, and lets the shelf send only books that pass', () => {
    const wire = bookToWire(book)
    const refused = (patch: Partial<typeof wire>): void => { assert.throws(() => bookFromWire({ ...wire, ...patch }), RequestError, JSON.stringify(patch, (_, v) => typeof v === 'bigint' ? String(v) : v)) }
    refused({ format: 'EPUB' })
    refused({ format: '.epub' })
    refused({ format: 'e pub' })
    refused({ language: 'en_US' })
    refused({ language: 'en GB' })
    refused({ size: 40n * 2n ** 30n })
    refused({ size: BigInt(LIMITS.book.maxSizeBytes) + 1n })
    refused({ fileName: 'a\\b.txt' })
    assert.equal(bookFromWire({ ...wire, size: BigInt(LIMITS.book.maxSizeBytes) }).size, 32 * 2 ** 30)
    assert.equal(bookFromWire({ ...wire, language: 'en-GB', format: 'fb2' }).language, 'en-GB')
    // lengths count UTF-16 code units: 256 astral characters are 512 units, the title limit
    assert.equal(bookFromWire({ ...wire, title: '𝔄'.repeat(256) }).title.length, 512)
    refused({ title: '𝔄'.repeat(256) + 'x' })

    const messy: BookRecord = { ...book, title: 'a' + '𝔄'.repeat(300), author: 'a'.repeat(300), format: 'EPUB', language: 'en_US', fileName: `back\\slash${'x'.repeat(300)}.epub` }
    const fitted = fitBook(messy)
    assert.deepEqual({ format: fitted.format, language: fitted.language }, { format: 'epub', language: 'en-US' })
    assert.equal(fitted.title.length, 511, 'no half surrogate pair at the cut')
    assert.doesNotThrow(() => bookFromWire(bookToWire(fitted)))
    for (const [format, language] of [['tar gz', 'English (UK)'], ['x'.repeat(17), 'a'.repeat(36)]]) {
      const other = fitBook({ ...book, format, language })
      assert.deepEqual([other.format, other.language], ['', ''])
      assert.doesNotThrow(() => bookFromWire(bookToWire(other)))
    }
  })

  it('derives a file name from author, title and format as spec 5.1 says', () => {
    assert.equal(derivedFileName({ title: 'Moby Dick', author: 'Herman Melville', format: 'epub' }), 'Herman Melville - Moby Dick.epub')
    assert.equal(derivedFileName({ title: 'Moby Dick', author: '', format: 'epub' }), 'Moby Dick.epub')
    assert.equal(derivedFileName({ title: 'Moby Dick', author: 'Herman Melville', format: '' }), 'Herman Melville - Moby Dick')
    assert.equal(derivedFileName({ title: 'Moby Dick', author: '', format: '' }), 'Moby Dick')
    // the strings as they are: no case change, no normalisation
    assert.equal(derivedFileName({ title: ' Les Mise\u0301rables ', author: 'HUGO', format: 'pdf' }), 'HUGO -  Les Mise\u0301rables .pdf')
  })

  it('tells a derived file name without building it, exactly when it equals the derived one', () => {
    const parts = ['', 'a', 'Moby', 'Moby Dick', ' - ', 'Dick.epub', 'epub', '.', 'a - b']
    const names = ['', 'a', 'Moby Dick', 'a - Moby Dick.epub', 'Moby - Moby Dick.epub', 'Moby Dick.epub', 'Moby Dick - Moby Dick', ' -  - a.a', 'a - b - a - b.epub', 'Moby Dick.epub.epub', 'Moby Dick.Dick.epub']
    let derived = 0
    for (const title of parts) {
      for (const author of parts) {
        for (const format of ['', 'epub', 'Dick.epub', 'b']) {
          for (const fileName of [...names, derivedFileName({ title, author, format })]) {
            const book = { title, author, format, fileName }
            assert.equal(isDerivedFileName(book), fileName === derivedFileName(book), JSON.stringify(book))
            if (isDerivedFileName(book)) derived++
          }
        }
      }
    }
    assert.ok(derived >= parts.length * parts.length * 4, `${derived} derived names met`)
  })

  it('carries derived_file_names as field 7 of SearchRequest, and reads a request without it (an older client) as false', () => {
    const base = { query: 'moby', limit: 0, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false }
    const asked = SearchRequest.encode({ ...base, derivedFileNames: true })
    const older = SearchRequest.encode({ ...base, derivedFileNames: false })
    // field 7, varint: tag 0x38, value 1, after exactly the bytes an older client sends
    assert.deepEqual(asked, Uint8Array.from([...older, 0x38, 1]))
    assert.equal(SearchRequest.decode(asked).derivedFileNames, true)
    assert.equal(SearchRequest.decode(older).derivedFileNames, false)
  })

  it('drops unparsable provider entries instead of failing', () => {
    const good = providerToWire({ peerId: '12D3KooWGRUVh1n9yG8sWzD8yK5QuyVcEp9Bi8ooZsdvjy5RuHVK', multiaddrs: ['/ip4/127.0.0.1/tcp/4001'] })
    assert.deepEqual(providerFromWire(good), { peerId: '12D3KooWGRUVh1n9yG8sWzD8yK5QuyVcEp9Bi8ooZsdvjy5RuHVK', multiaddrs: ['/ip4/127.0.0.1/tcp/4001'], reachability: 'unknown' })
    assert.equal(providerFromWire({ peerId: new Uint8Array([9, 9]), multiaddrs: [], reachability: Reachability.UNKNOWN }), undefined)
    assert.deepEqual(providerFromWire({ ...good, multiaddrs: [new Uint8Array([255, 255, 255])] })?.multiaddrs, [])
  })

  it('frames payloads with a varint length', () => {
    const f = frame(new Uint8Array(300)).subarray()
    assert.deepEqual([...f.subarray(0, 2)], [0xac, 0x02])
    assert.equal(f.byteLength, 302)
  })
})
