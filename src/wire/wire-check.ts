// Refuses every message protobuf itself would refuse, before protons decodes it. protons' generated
// decoders trust the wire type of a known field (field 1 sent with wire type 7 was read as a varint)
// and decode strings leniently, so each received message is first walked against a table of the
// fields' wire types generated from protocols/arkshare.proto (see pb/wire-schema.ts).
import { isUtf8 } from 'node:buffer'

/** The wire types proto3 uses (3 and 4 were proto2's groups; 6 and 7 do not exist). */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const
export type WireTypeCode = typeof WireType[keyof typeof WireType]

export interface FieldShape {
  wireType: WireTypeCode
  /** LEN fields holding a message of this name (checked field by field too). */
  message?: string
  /** LEN fields that proto3 requires to be valid UTF-8. */
  utf8?: boolean
  /** Repeated numeric fields: proto3 packs them (LEN) but parsers also accept them unpacked. */
  packed?: boolean
}

export type WireSchema = Record<string, Record<number, FieldShape>>

export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError'
}

/** Largest field number protobuf allows (2^29 - 1). */
const MAX_FIELD_NUMBER = 536_870_911

class Cursor {
  pos: number
  constructor (readonly bytes: Uint8Array, start: number, readonly end: number) { this.pos = start }

  /** A varint of at most `maxBytes` bytes, as a number (exact up to 2^53; only compared or skipped beyond). */
  varint (what: string, maxBytes = 10): number {
    let value = 0
    let scale = 1
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) throw new MalformedMessageError(`truncated ${what}`)
      const byte = this.bytes[this.pos++]
      value += (byte & 0x7f) * scale
      if (byte < 0x80) return value
      scale *= 128
    }
    throw new MalformedMessageError(`${what} longer than ${maxBytes} bytes`)
  }

  skip (bytes: number, what: string): number {
    if (this.end - this.pos < bytes) throw new MalformedMessageError(`truncated ${what}`)
    const start = this.pos
    this.pos += bytes
    return start
  }
}

/** Throws MalformedMessageError unless `bytes` is a well-formed `message` of `schema`. */
export function checkWireFormat (bytes: Uint8Array, schema: WireSchema, message: string): void {
  checkFields(new Cursor(bytes, 0, bytes.byteLength), schema, message)
}

function checkFields (cursor: Cursor, schema: WireSchema, message: string): void {
  const fields = schema[message]
  while (cursor.pos < cursor.end) {
    const tag = cursor.varint(`${message} field tag`, 5)
    const field = Math.floor(tag / 8)
    const wireType = tag % 8
    if (field === 0 || field > MAX_FIELD_NUMBER) throw new MalformedMessageError(`${message} has field number ${field}`)
    const shape = fields[field]
    if (shape != null && wireType !== shape.wireType && !(shape.packed === true && wireType === WireType.LEN)) {
      throw new MalformedMessageError(`${message} field ${field} has wire type ${wireType}, expected ${shape.wireType}`)
    }
    const what = `${message} field ${field}`
    const len = skipValue(cursor, wireType, what)
    if (len == null) continue
    const [start, length] = len
    if (shape?.message != null) checkFields(new Cursor(cursor.bytes, start, start + length), schema, shape.message)
    else if (shape?.utf8 === true && !isUtf8(cursor.bytes.subarray(start, start + length))) throw new MalformedMessageError(`${what} is not valid UTF-8`)
  }
}

/** Steps over one field's value; for a LEN field, where its bytes start and how many there are. */
function skipValue (cursor: Cursor, wireType: number, what: string): [start: number, length: number] | undefined {
  switch (wireType) {
    case WireType.VARINT: cursor.varint(what); return undefined
    case WireType.I64: cursor.skip(8, what); return undefined
    case WireType.I32: cursor.skip(4, what); return undefined
    case WireType.LEN: {
      const length = cursor.varint(`${what} length`)
      return [cursor.skip(length, what), length]
    }
    default:
      throw new MalformedMessageError(`${what} has wire type ${wireType}`)
  }
}

/**
 * Takes the entries of one repeated message field out of a message, unchecked: returns the rest of
 * the message, checked as `checkWireFormat` checks it, and each entry's bytes (a subarray), for a
 * reader that checks and decodes a large repeated field a slice at a time (the index's PUT books).
 */
export function takeRepeatedField (bytes: Uint8Array, schema: WireSchema, message: string, field: number): { rest: Uint8Array, entries: Uint8Array[] } {
  const entries: Uint8Array[] = []
  /** The byte ranges of every other field, to be copied into `rest`. */
  const kept: Array<[number, number]> = []
  const cursor = new Cursor(bytes, 0, bytes.byteLength)
  while (cursor.pos < cursor.end) {
    const from = cursor.pos
    const tag = cursor.varint(`${message} field tag`, 5)
    const what = `${message} field ${Math.floor(tag / 8)}`
    const len = skipValue(cursor, tag % 8, what)
    if (Math.floor(tag / 8) !== field) {
      if (kept.length > 0 && kept[kept.length - 1][1] === from) kept[kept.length - 1][1] = cursor.pos
      else kept.push([from, cursor.pos])
      continue
    }
    if (len == null) throw new MalformedMessageError(`${what} has wire type ${tag % 8}, expected ${WireType.LEN}`)
    entries.push(bytes.subarray(len[0], len[0] + len[1]))
  }
  const rest = new Uint8Array(kept.reduce((n, [a, b]) => n + b - a, 0))
  let at = 0
  for (const [a, b] of kept) { rest.set(bytes.subarray(a, b), at); at += b - a }
  checkWireFormat(rest, schema, message)
  return { rest, entries }
}
