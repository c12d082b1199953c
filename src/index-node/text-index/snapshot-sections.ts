// The text index's parts as a sequence of typed sections, for a snapshot: each part writes its
// arrays and counters in a fixed order and reads them back in the same order. A section names its
// kind and length, so a reader of another layout stops at the first section that does not fit
// rather than building an index from misread bytes (the file's checksum is the caller's: see
// catalog/text-index-snapshot.ts).
import type { TypedArray } from './grow.js'

/** Section kinds; arrays are read back as views of the snapshot's bytes (aligned to 8). */
const KIND = { int32: 1, uint32: 2, uint16: 3, uint8: 4, float64: 5, number: 6, strings: 7 } as const
type ArrayKind = 'int32' | 'uint32' | 'uint16' | 'uint8' | 'float64'
const BYTES = { int32: 4, uint32: 4, uint16: 2, uint8: 1, float64: 8 }
const HEADER = 16
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function kindOf (array: TypedArray): ArrayKind {
  if (array instanceof Int32Array) return 'int32'
  if (array instanceof Uint32Array) return 'uint32'
  if (array instanceof Uint16Array) return 'uint16'
  if (array instanceof Uint8Array) return 'uint8'
  return 'float64'
}

export class SnapshotWriter {
  /** Bytes written so far. */
  written = 0

  /** `out` receives the bytes in order (it may keep none of them: they are views of live arrays). */
  constructor (private readonly out: (bytes: Uint8Array) => void) {}

  /** An array, whole (callers pass subarrays to keep only the used part). */
  array (array: TypedArray): void {
    this.section(KIND[kindOf(array)], new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
  }

  number (value: number): void {
    this.section(KIND.number, new Uint8Array(Float64Array.of(value).buffer))
  }

  /** Strings, as their UTF-16 lengths and, back to back in `joined`, their UTF-8 bytes. */
  strings (lengths: Uint32Array, joined: string): void {
    this.array(lengths)
    this.section(KIND.strings, encoder.encode(joined))
  }

  private section (kind: number, bytes: Uint8Array): void {
    const padding = (8 - bytes.byteLength % 8) % 8
    const header = new DataView(new ArrayBuffer(HEADER))
    header.setUint32(0, kind, true)
    header.setUint32(4, padding, true)
    header.setFloat64(8, bytes.byteLength, true)
    this.emit(new Uint8Array(header.buffer))
    this.emit(bytes)
    if (padding > 0) this.emit(new Uint8Array(padding))
  }

  private emit (bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return
    this.out(bytes)
    this.written += bytes.byteLength
  }
}

/** Thrown for a snapshot whose sections are not what this version writes. */
export class SnapshotLayoutError extends Error {
  override name = 'SnapshotLayoutError'
}

export class SnapshotReader {
  private at: number

  /** Reads `bytes` from `start` (a multiple of 8: arrays are views, which must be aligned). */
  constructor (private readonly bytes: Uint8Array<ArrayBuffer>, start: number, private readonly end = bytes.byteLength) {
    if ((bytes.byteOffset + start) % 8 !== 0) throw new SnapshotLayoutError('snapshot sections are not aligned')
    this.at = start
  }

  /** Whether every section has been read. */
  get done (): boolean { return this.at === this.end }

  int32 (): Int32Array<ArrayBuffer> { return new Int32Array(this.bytes.buffer, ...this.array('int32')) }
  uint32 (): Uint32Array<ArrayBuffer> { return new Uint32Array(this.bytes.buffer, ...this.array('uint32')) }
  uint16 (): Uint16Array<ArrayBuffer> { return new Uint16Array(this.bytes.buffer, ...this.array('uint16')) }
  uint8 (): Uint8Array<ArrayBuffer> { return new Uint8Array(this.bytes.buffer, ...this.array('uint8')) }
  float64 (): Float64Array<ArrayBuffer> { return new Float64Array(this.bytes.buffer, ...this.array('float64')) }

  number (): number {
    const { offset } = this.section(KIND.number, 8)
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + offset, 8).getFloat64(0, true)
  }

  /** Strings as written: all of them in one, and where each starts in it (one more: the end). */
  strings (): { joined: string, starts: Uint32Array } {
    const lengths = this.uint32()
    const { offset, byteLength } = this.section(KIND.strings, 1)
    const joined = decoder.decode(this.bytes.subarray(offset, offset + byteLength))
    const starts = new Uint32Array(lengths.length + 1)
    for (let i = 0; i < lengths.length; i++) starts[i + 1] = starts[i] + lengths[i]
    if (starts[lengths.length] !== joined.length) throw new SnapshotLayoutError('string section does not match its lengths')
    return { joined, starts }
  }

  /** The next array section's place in the buffer: byte offset and length in elements. */
  private array (kind: ArrayKind): [number, number] {
    const { length, offset } = this.section(KIND[kind], BYTES[kind])
    return [this.bytes.byteOffset + offset, length]
  }

  /** The next section, checked to be of `kind`, to fit, and to hold whole elements of `unit` bytes. */
  private section (kind: number, unit: number): { length: number, offset: number, byteLength: number } {
    if (this.at + HEADER > this.end) throw new SnapshotLayoutError('snapshot ends early')
    const header = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, HEADER)
    const found = header.getUint32(0, true)
    const padding = header.getUint32(4, true)
    const byteLength = header.getFloat64(8, true)
    if (found !== kind) throw new SnapshotLayoutError(`snapshot section of kind ${found} where ${kind} was expected`)
    const offset = this.at + HEADER
    if (!Number.isSafeInteger(byteLength) || byteLength < 0 || byteLength % unit !== 0 || padding > 7 ||
      (byteLength + padding) % 8 !== 0 || offset + byteLength + padding > this.end) {
      throw new SnapshotLayoutError('snapshot section does not fit')
    }
    this.at = offset + byteLength + padding
    return { length: byteLength / unit, offset, byteLength }
  }
}
