// STUN binding messages: what the index's responder answers and what peers read back.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { bindingRequest, bindingResponse, parseBindingRequest, parseBindingResponse } from '../../../src/wire/stun.js'

describe('STUN binding messages', () => {
  const id = new Uint8Array(randomBytes(12))

  it('reads back the transaction ID of a binding request, and nothing else as one', () => {
    assert.deepEqual(parseBindingRequest(bindingRequest(id)), id)
    const response = bindingResponse(id, { address: '11.0.0.1', port: 4001 })
    assert.equal(parseBindingRequest(response), undefined, 'a response is not a request')
    assert.equal(parseBindingRequest(randomBytes(20)), undefined, 'no magic cookie')
    assert.equal(parseBindingRequest(bindingRequest(id).subarray(0, 19)), undefined, 'short')
    const padded = new Uint8Array(24)
    padded.set(bindingRequest(id))
    assert.equal(parseBindingRequest(padded), undefined, 'the length field does not cover the packet')
  })

  it('tells the requester its address and port, IPv4 and IPv6, XORed as RFC 8489 says', () => {
    for (const from of [{ address: '11.0.0.1', port: 54321 }, { address: '2001:db8:0:0:0:0:0:1', port: 1 }]) {
      assert.deepEqual(parseBindingResponse(bindingResponse(id, from), id), from)
    }
    // an IPv4 client on a dual-stack socket
    assert.deepEqual(parseBindingResponse(bindingResponse(id, { address: '::ffff:10.1.0.2', port: 9 }), id), { address: '10.1.0.2', port: 9 })
    // the wire bytes of XOR-MAPPED-ADDRESS for 11.0.0.1:54321: port ^ 0x2112, address ^ 0x2112a442
    const response = bindingResponse(id, { address: '11.0.0.1', port: 54321 })
    assert.deepEqual([...response.subarray(20, 32)], [0x00, 0x20, 0x00, 0x08, 0x00, 0x01, (54321 ^ 0x2112) >> 8, (54321 ^ 0x2112) & 0xff, 11 ^ 0x21, 0 ^ 0x12, 0 ^ 0xa4, 1 ^ 0x42])
  })

  it('ends a response with a FINGERPRINT over what precedes it', () => {
    const response = bindingResponse(id, { address: '11.0.0.1', port: 1 })
    const at = response.byteLength - 8
    const view = new DataView(response.buffer, response.byteOffset)
    assert.equal(view.getUint16(at), 0x8028)
    assert.equal(view.getUint32(at + 4), (crc32(response.subarray(0, at)) ^ 0x5354554e) >>> 0)
  })

  it('accepts a response only to our own transaction', () => {
    const other = new Uint8Array(randomBytes(12))
    assert.equal(parseBindingResponse(bindingResponse(other, { address: '11.0.0.1', port: 1 }), id), undefined)
    assert.equal(parseBindingResponse(bindingRequest(id), id), undefined)
  })
})
