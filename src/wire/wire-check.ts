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

/** What a field is, for an error: built only when a message is refused (never per field read). */
const fieldName = (message: string, field: number): string => `${message} field ${field}`

/** A varint's end: truncated, or past its longest (the value -1 and -2 as Cursor.varint returns them). */
function varintError (result: number, what: string, maxBytes: number): MalformedMessageError {
  return new MalformedMessageError(result === TRUNCATED ? `truncated ${what}` : `${what} longer than ${maxBytes} bytes`)
}
const TRUNCATED = -1
const TOO_LONG = -2

export class Cursor {
  pos: number
  constructor (readonly bytes: Uint8Array, start: number, readonly end: number) { this.pos = start }

  /** A varint of at most `maxBytes` bytes, as a number (exact up to 2^53; only compared or skipped beyond); TRUNCATED or TOO_LONG. */
  varint (maxBytes = 10): number {
    let value = 0
    let scale = 1
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) return TRUNCATED
      const byte = this.bytes[this.pos++]
      value += (byte & 0x7f) * scale
      if (byte < 0x80) return value
      scale *= 128
    }
    return TOO_LONG
  }

  /** A field's tag (its number × 8 + its wire type). */
  tag (message: string): number {
    const tag = this.varint(5)
    if (tag < 0) throw varintError(tag, `${message} field tag`, 5)
    return tag
  }

  /** Steps over `bytes` bytes; where they start. */
  skip (bytes: number, message: string, field: number): number {
    if (this.end - this.pos < bytes) throw new MalformedMessageError(`truncated ${fieldName(message, field)}`)
    const start = this.pos
    this.pos += bytes
    return start
  }

  /**
   * Steps over one field's value of `wireType`; for a LEN field, where its bytes start (they run to
   * this.pos), else -1.
   */
  value (wireType: number, message: string, field: number): number {
    switch (wireType) {
      case WireType.VARINT: {
        const value = this.varint()
        if (value < 0) throw varintError(value, fieldName(message, field), 10)
        return -1
      }
      case WireType.I64: this.skip(8, message, field); return -1
      case WireType.I32: this.skip(4, message, field); return -1
      case WireType.LEN: {
        const length = this.varint()
        if (length < 0) throw varintError(length, `${fieldName(message, field)} length`, 10)
        return this.skip(length, message, field)
      }
      default:
        throw new MalformedMessageError(`${fieldName(message, field)} has wire type ${wireType}`)
    }
  }
}

/** Whether bytes [start, end) are valid UTF-8 (ASCII, most text here, is checked without a view). */
export function utf8At (bytes: Uint8Array, start: number, end: number): boolean {
  let i = start
  while (i < end && bytes[i] < 0x80) i++
  return i === end || isUtf8(bytes.subarray(i, end))
}

/** Throws MalformedMessageError unless `bytes` is a well-formed `message` of `schema`. */
export function checkWireFormat (bytes: Uint8Array, schema: WireSchema, message: string): void {
  checkFields(new Cursor(bytes, 0, bytes.byteLength), schema, message)
}

function checkFields (cursor: Cursor, schema: WireSchema, message: string): void {
  const fields = schema[message]
  while (cursor.pos < cursor.end) {
    const tag = cursor.tag(message)
    const field = Math.floor(tag / 8)
    const wireType = tag % 8
    if (field === 0 || field > MAX_FIELD_NUMBER) throw new MalformedMessageError(`${message} has field number ${field}`)
    const shape = fields[field]
    if (shape != null && wireType !== shape.wireType && !(shape.packed === true && wireType === WireType.LEN)) {
      throw new MalformedMessageError(`${message} field ${field} has wire type ${wireType}, expected ${shape.wireType}`)
    }
    const start = cursor.value(wireType, message, field)
    if (start < 0 || shape == null) continue
    if (shape.message != null) checkFields(new Cursor(cursor.bytes, start, cursor.pos), schema, shape.message)
    else if (shape.utf8 === true && !utf8At(cursor.bytes, start, cursor.pos)) throw new MalformedMessageError(`${fieldName(message, field)} is not valid UTF-8`)
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
    const tag = cursor.tag(message)
    const start = cursor.value(tag % 8, message, Math.floor(tag / 8))
    if (Math.floor(tag / 8) !== field) {
      if (kept.length > 0 && kept[kept.length - 1][1] === from) kept[kept.length - 1][1] = cursor.pos
      else kept.push([from, cursor.pos])
      continue
    }
    if (start < 0) throw new MalformedMessageError(`${fieldName(message, field)} has wire type ${tag % 8}, expected ${WireType.LEN}`)
    entries.push(bytes.subarray(start, cursor.pos))
  }
  const rest = new Uint8Array(kept.reduce((n, [a, b]) => n + b - a, 0))
  let at = 0
  for (const [a, b] of kept) { rest.set(bytes.subarray(a, b), at); at += b - a }
  checkWireFormat(rest, schema, message)
  return { rest, entries }
}
