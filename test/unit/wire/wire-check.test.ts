import assert from 'node:assert/strict'
import { checkWireFormat, MalformedMessageError, WireType, type WireSchema } from '../../../src/wire/wire-check.js'
import { WIRE_SCHEMA } from '../../../src/wire/pb/wire-schema.js'
import { RegisterRequest, SearchRequest } from '../../../src/wire/messages.js'

const ok = (bytes: number[] | Uint8Array, message: string, schema: WireSchema = WIRE_SCHEMA): void => { checkWireFormat(Uint8Array.from(bytes), schema, message) }
const refused = (bytes: number[] | Uint8Array, message: string, why: RegExp, schema: WireSchema = WIRE_SCHEMA): void => {
  assert.throws(() => { ok(bytes, message, schema) }, (err: Error) => err instanceof MalformedMessageError && why.test(err.message))
}

describe('wire format check', () => {
  it('passes what the codecs write, unknown fields included', () => {
    ok(SearchRequest.encode({ query: 'moby dïck', limit: 5, stats: true }), 'SearchRequest')
    ok(RegisterRequest.encode({ books: [{ id: new Uint8Array([1]), title: 'T', author: 'A', format: 'txt', size: 2n ** 40n, fileName: 't.txt', language: 'en' }], remove: [new Uint8Array(3)] }), 'RegisterRequest')
    // field 15 (unknown) as a varint, a fixed64, a fixed32 and bytes: skipped, as protobuf does
    ok([0x78, 0x01, 0x79, 1, 2, 3, 4, 5, 6, 7, 8, 0x7d, 1, 2, 3, 4, 0x7a, 0x01, 0x00], 'SearchRequest')
  })

  it('refuses a known field with another wire type, in nested messages too', () => {
    refused([0x0f, 0x01], 'RegisterRequest', /wire type 7/)
    refused([0x0d, 1, 0, 0, 0], 'RegisterRequest', /field 1 has wire type 5, expected 0/)
    // books[0].size (field 5 of Book) sent as bytes
    refused([0x1a, 0x03, 0x2a, 0x01, 0x00], 'RegisterRequest', /Book field 5 has wire type 2/)
  })

  it('refuses groups, wire types 6 and 7, field number 0 and truncation', () => {
    refused([0x7b], 'SearchRequest', /wire type 3/)
    refused([0x7e, 0x00], 'SearchRequest', /wire type 6/)
    refused([0x02, 0x00], 'SearchRequest', /field number 0/)
    refused([0x0a, 0x05, 0x61], 'SearchRequest', /truncated/)
    refused([0x10, 0xff], 'SearchRequest', /truncated/)
    refused([0x10, ...new Array<number>(10).fill(0xff), 0x01], 'SearchRequest', /longer than 10 bytes/)
  })

  it('refuses strings that are not UTF-8, also inside nested messages', () => {
    refused([0x0a, 0x02, 0xc3, 0x28], 'SearchRequest', /UTF-8/)
    refused([0x1a, 0x04, 0x12, 0x02, 0xed, 0xa0], 'RegisterRequest', /Book field 2 is not valid UTF-8/)
    // bytes fields may hold anything
    ok([0x22, 0x02, 0xc3, 0x28], 'SearchRequest')
  })

  it('accepts repeated numbers packed or not', () => {
    const schema: WireSchema = { M: { 1: { wireType: WireType.VARINT, packed: true } } }
    ok([0x08, 0x01, 0x08, 0x02], 'M', schema)
    ok([0x0a, 0x02, 0x01, 0x02], 'M', schema)
    refused([0x0d, 1, 2, 3, 4], 'M', /wire type 5/, schema)
  })
})
