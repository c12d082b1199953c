// A correction to protons-runtime (7.1.2 here; 8.0.1, the newest, is the same). Its writer encodes
// uint64 values from 2^31 to 2^32 - 1 wrongly: LongBits stores its low word as `lo | 0`, which turns
// negative, so writeVarint64 writes one byte where length() reserved five and the other four go out
// as whatever the writer's buffer pool held (a 2-4 GiB book's size became `00` plus stale memory).
// Until upstream fixes it, uint64() sends every value up to 2^53 - 1 through the runtime's other
// varint path, uint64Number(), which is correct: the bytes are the same for every value the
// original already encoded correctly. The writer's prototype is shared, so this fixes every protons
// codec in the process; it steps aside once the installed runtime encodes 2^31 correctly.
import { writer as createWriter } from 'protons-runtime'

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER)
const PATCHED = Symbol.for('arkshare.protons-runtime.uint64')

interface Uint64Writer {
  uint64: (value: bigint) => Uint64Writer
  uint64Number: (value: number) => Uint64Writer
  finish: () => Uint8Array
  [PATCHED]?: boolean
}

function encodesTwoPow31 (writer: Uint64Writer): boolean {
  const bytes = writer.uint64(2n ** 31n).finish()
  return bytes.length === 5 && bytes.every((b, i) => b === [0x80, 0x80, 0x80, 0x80, 0x08][i])
}

function patch (): void {
  const prototype = Object.getPrototypeOf(createWriter()) as Uint64Writer
  if (prototype[PATCHED] === true || encodesTwoPow31(createWriter() as unknown as Uint64Writer)) return
  const original = prototype.uint64
  prototype.uint64 = function (this: Uint64Writer, value: bigint) {
    return value >= 0n && value <= MAX_EXACT ? this.uint64Number(Number(value)) : original.call(this, value)
  }
  prototype[PATCHED] = true
}

patch()
