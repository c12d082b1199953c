import assert from 'node:assert/strict'
import { decodeBook, decodeMessage, REGISTER, REGISTER_AT_INDEX, RegisterRequest, Reachability, type Book } from '../../../src/wire/messages.js'
import { takeRepeatedField, MalformedMessageError } from '../../../src/wire/wire-check.js'
import { WIRE_SCHEMA } from '../../../src/wire/pb/wire-schema.js'
import { LIMITS } from '../../../src/wire/protocols.js'

const book = (n: number): Book => ({ id: new Uint8Array([1, n]), title: `Title ${n}`, author: 'Ä', format: 'epub', size: BigInt(n) * 1000n, fileName: `t${n}.epub`, language: 'en' })
const put = (books: Book[]): RegisterRequest => ({ type: RegisterRequest.Type.PUT, replace: true, books, remove: [], ttl: 600, reachability: Reachability.UPNP, listingDigest: new Uint8Array(16).fill(7) })

describe('the register request as the index reads it (books decoded later)', () => {
  it('reads what the generated codec writes: every other field decoded, each book decoding to the same book', () => {
    const request = put([book(1), book(2), book(3)])
    const read = decodeMessage(REGISTER_AT_INDEX.request, RegisterRequest.encode(request))
    const { books, ...rest } = request
    const { encodedBooks, ...readRest } = read
    assert.deepEqual(readRest, rest)
    assert.deepEqual(encodedBooks.map(decodeBook), books)
  })

  it('writes bytes the generated codec reads back as the same request', () => {
    const request = put([book(4), book(5)])
    const read = decodeMessage(REGISTER_AT_INDEX.request, RegisterRequest.encode(request))
    assert.deepEqual(decodeMessage(REGISTER.request, REGISTER_AT_INDEX.request.codec.encode(read)), request)
  })

  it('finds books wherever they are in the message, and none in a request without any', () => {
    const one = RegisterRequest.encode(put([book(6)]))
    const withTtlAfter = Uint8Array.from([...one, 0x28, 0x05]) // ttl 5, after the book
    const read = decodeMessage(REGISTER_AT_INDEX.request, withTtlAfter)
    assert.equal(read.ttl, 5)
    assert.equal(read.encodedBooks.length, 1)
    const renew = decodeMessage(REGISTER_AT_INDEX.request, RegisterRequest.encode({ ...put([]), type: RegisterRequest.Type.RENEW }))
    assert.deepEqual(renew.encodedBooks, [])
    assert.equal(renew.type, RegisterRequest.Type.RENEW)
  })

  it('refuses more books than a message may carry, as the generated codec does', () => {
    const many = RegisterRequest.encode(put(Array.from({ length: LIMITS.register.maxBooksPerMessage + 1 }, (_, i) => book(i % 200))))
    assert.throws(() => decodeMessage(REGISTER_AT_INDEX.request, many), (err: Error) => err.name === 'MaxLengthError')
    assert.throws(() => decodeMessage(REGISTER.request, many), (err: Error) => err.name === 'MaxLengthError')
  })

  it('refuses a malformed message around the books at once, and a malformed book when it is decoded', () => {
    // books sent as a varint
    assert.throws(() => decodeMessage(REGISTER_AT_INDEX.request, Uint8Array.from([0x18, 0x01])), /field 3 has wire type 0, expected 2/)
    // truncated after a book
    assert.throws(() => decodeMessage(REGISTER_AT_INDEX.request, Uint8Array.from([0x1a, 0x00, 0x28])), MalformedMessageError)
    // field 1 (type) with wire type 5
    assert.throws(() => decodeMessage(REGISTER_AT_INDEX.request, Uint8Array.from([0x1a, 0x00, 0x0d, 1, 0, 0, 0])), /field 1 has wire type 5/)
    // a book whose title (field 2) is not UTF-8: the request reads, the book does not
    const read = decodeMessage(REGISTER_AT_INDEX.request, Uint8Array.from([0x1a, 0x04, 0x12, 0x02, 0xed, 0xa0]))
    assert.throws(() => decodeBook(read.encodedBooks[0]), /Book field 2 is not valid UTF-8/)
  })

  it('takeRepeatedField keeps the other fields byte for byte, in order', () => {
    const bytes = Uint8Array.from([0x08, 0x01, 0x1a, 0x00, 0x10, 0x01, 0x1a, 0x02, 0x12, 0x00, 0x28, 0x05])
    const { rest, entries } = takeRepeatedField(bytes, WIRE_SCHEMA, 'RegisterRequest', 3)
    assert.deepEqual([...rest], [0x08, 0x01, 0x10, 0x01, 0x28, 0x05])
    assert.deepEqual(entries.map(e => [...e]), [[], [0x12, 0x00]])
  })
})
