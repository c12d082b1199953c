// Every uint64 field of every message, at the values where varint encodings change length or where
// protons-runtime's writer went wrong (2^31 .. 2^32 - 1), checked byte for byte against an encoder
// written here from the protobuf spec, and decoded back. The fields are found in the .proto itself,
// so a uint64 field added later is covered without touching this test.
import assert from 'node:assert/strict'
import protobuf from 'protobufjs'
import * as messages from '../../../src/wire/messages.js'

const BOUNDARIES = [0n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 3n * 2n ** 30n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n]

/** Unsigned LEB128, as the protobuf spec defines varints. */
function varint (value: bigint): number[] {
  const out: number[] = []
  do {
    const low = Number(value & 0x7fn)
    value >>= 7n
    out.push(value > 0n ? low | 0x80 : low)
  } while (value > 0n)
  return out
}

interface Codec { encode: (obj: any) => Uint8Array, decode: (bytes: Uint8Array) => any }

const root = protobuf.loadSync('protocols/arkshare.proto').resolveAll()
const uint64Fields = root.nestedArray
  .filter((t): t is protobuf.Type => t instanceof protobuf.Type)
  .flatMap(type => type.fieldsArray.filter(f => f.type === 'uint64').map(field => ({ type: type.name, field: field.name, id: field.id })))

describe('uint64 fields on the wire', () => {
  it('finds the uint64 fields in the .proto', () => {
    assert.deepEqual(uint64Fields.map(f => `${f.type}.${f.field}`), ['Book.size', 'IndexStats.relayedBytes', 'IndexStats.relayLargestCircuitBytes', 'FetchResponse.size', 'FetchResponse.length'])
  })

  for (const { type, field, id } of uint64Fields) {
    it(`${type}.${field}: encodes each boundary exactly and decodes it back`, () => {
      const codec = (messages as unknown as Record<string, Codec>)[type]
      // dirty the writer's shared buffer pool first: the broken writer sent what was left in it
      codec.encode({ [field]: 2n ** 40n, message: 'x'.repeat(300), title: 'y'.repeat(300) })
      for (const value of BOUNDARIES) {
        const camel = field.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())
        const bytes = codec.encode({ [camel]: value })
        const expected = value === 0n ? [] : [...varint(BigInt(id << 3)), ...varint(value)]
        assert.deepEqual([...bytes], expected, `${type}.${field} = ${value}`)
        assert.equal(codec.decode(bytes)[camel], value)
      }
    })
  }

  it('a search reply listing a 3 GiB book, and a manifest of a 2 GiB + 1 byte book, decode whole', () => {
    const book = { id: new Uint8Array([1]), title: 'Big', author: '', format: 'txt', size: 3n * 2n ** 30n, fileName: 'big.txt', language: '' }
    const reply = messages.SearchResponse.encode({ status: messages.Status.OK, results: [{ book, providers: [] }], total: 1 })
    assert.equal(messages.decodeMessage(messages.SEARCH.response, reply).results[0].book?.size, 3n * 2n ** 30n)
    const manifest = messages.FetchResponse.encode({ size: 2n ** 31n + 1n, chunkSize: 262_144, chunkHashes: new Uint8Array(32 * 8193) })
    assert.deepEqual([...manifest.subarray(0, 6)], [0x18, 0x81, 0x80, 0x80, 0x80, 0x08])
    assert.equal(messages.decodeMessage(messages.FETCH.response, manifest).size, 2n ** 31n + 1n)
  })
})
