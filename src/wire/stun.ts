// STUN binding messages (RFC 8489), the little of STUN arkshare speaks: an index answers binding
// requests with the address and port they came from (XOR-MAPPED-ADDRESS), which is how a peer
// behind a NAT learns its public mapping for WebRTC (ICE) and whether its router keeps one mapping
// for every destination. Anything else (other methods, responses, attributes we do not need) is
// not for us and gets no answer.
import { isIPv4, isIPv6 } from 'node:net'
import { crc32 } from 'node:zlib'

const HEADER_BYTES = 20
const MAGIC_COOKIE = 0x2112a442
const BINDING_REQUEST = 0x0001
const BINDING_SUCCESS = 0x0101
const XOR_MAPPED_ADDRESS = 0x0020
const FINGERPRINT = 0x8028
/** FINGERPRINT is the CRC-32 of the message up to it, XORed with "STUN". */
const FINGERPRINT_XOR = 0x5354554e
const TRANSACTION_ID_BYTES = 12

export interface MappedAddress { address: string, port: number }

/** A valid STUN header of the given method and class, or undefined (then it is not STUN, or not this). */
function header (packet: Uint8Array, type: number): DataView | undefined {
  if (packet.byteLength < HEADER_BYTES) return undefined
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength)
  const length = view.getUint16(2)
  if (view.getUint16(0) !== type || view.getUint32(4) !== MAGIC_COOKIE) return undefined
  if (length !== packet.byteLength - HEADER_BYTES || length % 4 !== 0) return undefined
  return view
}

/** The transaction ID of a binding request, or undefined if the packet is not one. */
export function parseBindingRequest (packet: Uint8Array): Uint8Array | undefined {
  if (header(packet, BINDING_REQUEST) == null) return undefined
  return packet.slice(8, HEADER_BYTES)
}

export function bindingRequest (transactionId: Uint8Array): Uint8Array {
  const packet = new Uint8Array(HEADER_BYTES)
  const view = new DataView(packet.buffer)
  view.setUint16(0, BINDING_REQUEST)
  view.setUint32(4, MAGIC_COOKIE)
  packet.set(transactionId.subarray(0, TRANSACTION_ID_BYTES), 8)
  return packet
}

/** The bytes an address is XORed with: the magic cookie, then (IPv6) the transaction ID. */
function xorKey (transactionId: Uint8Array): Uint8Array {
  const key = new Uint8Array(16)
  new DataView(key.buffer).setUint32(0, MAGIC_COOKIE)
  key.set(transactionId, 4)
  return key
}

function addressBytes (address: string): Uint8Array {
  if (isIPv4(address)) return Uint8Array.from(address.split('.').map(Number))
  if (!isIPv6(address)) throw new TypeError(`not an IP address: ${address}`)
  const [head, tail = ''] = address.split('::')
  const groups = (part: string): number[] => part === '' ? [] : part.split(':').map(g => parseInt(g, 16))
  const left = groups(head)
  const right = address.includes('::') ? groups(tail) : []
  const all = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right]
  return Uint8Array.from(all.flatMap(g => [g >> 8, g & 0xff]))
}

function addressText (bytes: Uint8Array): string {
  if (bytes.byteLength === 4) return [...bytes].join('.')
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16))
  return groups.join(':')
}

/** A binding success response telling the requester where its request came from. */
export function bindingResponse (transactionId: Uint8Array, from: MappedAddress): Uint8Array {
  const ip = addressBytes(from.address.replace(/^::ffff:(?=\d+\.)/, ''))
  const key = xorKey(transactionId)
  const attribute = 4 + 4 + ip.byteLength
  const packet = new Uint8Array(HEADER_BYTES + attribute + 8)
  const view = new DataView(packet.buffer)
  view.setUint16(0, BINDING_SUCCESS)
  view.setUint16(2, attribute + 8)
  view.setUint32(4, MAGIC_COOKIE)
  packet.set(transactionId, 8)
  let at = HEADER_BYTES
  view.setUint16(at, XOR_MAPPED_ADDRESS)
  view.setUint16(at + 2, 4 + ip.byteLength)
  view.setUint8(at + 5, ip.byteLength === 4 ? 0x01 : 0x02)
  view.setUint16(at + 6, from.port ^ (MAGIC_COOKIE >>> 16))
  for (let i = 0; i < ip.byteLength; i++) packet[at + 8 + i] = ip[i] ^ key[i]
  at += attribute
  view.setUint16(at, FINGERPRINT)
  view.setUint16(at + 2, 4)
  view.setUint32(at + 4, (crc32(packet.subarray(0, at)) ^ FINGERPRINT_XOR) >>> 0)
  return packet
}

/** The mapped address in the response to our request `transactionId`, or undefined. */
export function parseBindingResponse (packet: Uint8Array, transactionId: Uint8Array): MappedAddress | undefined {
  const view = header(packet, BINDING_SUCCESS)
  if (view == null || !packet.subarray(8, HEADER_BYTES).every((b, i) => b === transactionId[i])) return undefined
  const key = xorKey(transactionId)
  for (let at = HEADER_BYTES; at + 4 <= packet.byteLength;) {
    const type = view.getUint16(at)
    const length = view.getUint16(at + 2)
    if (at + 4 + length > packet.byteLength) return undefined
    if (type === XOR_MAPPED_ADDRESS && (length === 8 || length === 20)) {
      const ip = packet.slice(at + 8, at + 4 + length).map((b, i) => b ^ key[i])
      return { address: addressText(ip), port: view.getUint16(at + 6) ^ (MAGIC_COOKIE >>> 16) }
    }
    at += 4 + Math.ceil(length / 4) * 4
  }
  return undefined
}
