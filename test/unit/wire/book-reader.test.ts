import assert from 'node:assert/strict'
import { readPlainBook } from '../../../src/wire/book-reader.js'
import { Book, decodeBook } from '../../../src/wire/messages.js'
import { checkWireFormat } from '../../../src/wire/wire-check.js'
import { WIRE_SCHEMA } from '../../../src/wire/pb/wire-schema.js'
import { mulberry32 } from '../../../scripts/prng.js'

/** The generic way: the wire check, then the generated decoder (a thrown error as its message). */
function generic (bytes: Uint8Array): Book | string {
  try {
    checkWireFormat(bytes, WIRE_SCHEMA, 'Book')
    return Book.decode(bytes)
  } catch (err) {
    return (err as Error).message
  }
}

function decoded (bytes: Uint8Array): Book | string {
  try {
    return decodeBook(bytes)
  } catch (err) {
    return (err as Error).message
  }
}

const TEXTS = ['', 'Moby Dick', 'Ä', '日本語の本', 'emoji 📚 and more', 'x'.repeat(300)]

describe('the one-pass Book reader', () => {
  it('reads every plain book as the generated decoder does', () => {
    const random = mulberry32(3)
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]
    for (let i = 0; i < 500; i++) {
      const book: Book = {
        id: Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)),
        title: pick(TEXTS),
        author: pick(TEXTS),
        format: pick(['', 'epub', 'pdf']),
        size: pick([0n, 1n, 127n, 128n, BigInt(2 ** 48), BigInt(2 ** 49 - 1)]),
        fileName: pick(TEXTS),
        language: pick(['', 'en', 'fr-CA'])
      }
      const bytes = Book.encode(book)
      assert.deepEqual(readPlainBook(bytes), Book.decode(bytes), `book ${i}`)
      assert.deepEqual(decodeBook(bytes), book)
    }
  })

  it('reads or refuses any bytes exactly as the generic way does (books mutated at random)', () => {
    const random = mulberry32(11)
    const valid = Book.encode({ id: Uint8Array.from([1, 2, 3]), title: 'Les Misérables', author: 'Hugo', format: 'epub', size: 123456n, fileName: 'x.epub', language: 'fr' })
    let plain = 0
    for (let i = 0; i < 3000; i++) {
      const bytes = [...valid]
      for (let k = 0, n = 1 + Math.floor(random() * 3); k < n; k++) {
        const at = Math.floor(random() * (bytes.length + 1))
        const kind = random()
        if (kind < 0.5) bytes[Math.min(at, bytes.length - 1)] = Math.floor(random() * 256)
        else if (kind < 0.75) bytes.splice(at, 0, Math.floor(random() * 256))
        else bytes.splice(at, 1)
      }
      const message = Uint8Array.from(bytes)
      assert.deepEqual(decoded(message), generic(message), `bytes ${Buffer.from(message).toString('hex')}`)
      if (readPlainBook(message) != null) plain++
    }
    assert.ok(plain > 100, `${plain} mutated books were still plain`)
  })

  it('leaves anything else to the generic way, which reads it or refuses it with the same reason', () => {
    const plain = Book.encode({ id: Uint8Array.from([1, 2]), title: 'T', author: 'A', format: 'epub', size: 5n, fileName: 'f', language: 'en' })
    const odd: Array<[string, number[]]> = [
      ['an unknown field', [...plain, 0x48, 0x01]],
      ['a size past 2^49', [0x28, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
      ['a size past 2^64', [0x28, ...new Array<number>(9).fill(0xff), 0x01]],
      ['a title that is not UTF-8', [0x12, 0x02, 0xed, 0xa0]],
      ['a title with a wrong wire type', [0x15, 1, 2, 3, 4]],
      ['a size sent as bytes', [0x2a, 0x01, 0x00]],
      ['an id sent as a varint', [0x08, 0x01]],
      ['a truncated title', [0x12, 0x05, 0x61]],
      ['a truncated length', [0x12, 0xff]],
      ['a field tag of two bytes', [0x82, 0x01, 0x00]],
      ['wire type 7', [0x0f]],
      ['field 0', [0x02, 0x00]]
    ]
    for (const [what, bytes] of odd) {
      const message = Uint8Array.from(bytes)
      assert.equal(readPlainBook(message), undefined, what)
      assert.deepEqual(decoded(message), generic(message), what)
    }
    const repeated = Uint8Array.from([...plain, 0x12, 0x01, 0x55])
    assert.deepEqual(readPlainBook(repeated), Book.decode(repeated), 'a field repeated: the last one counts')
    assert.equal(readPlainBook(repeated)?.title, 'U')
    assert.equal((decoded(Uint8Array.from([0x12, 0x02, 0xed, 0xa0])) as string), 'Book field 2 is not valid UTF-8')
  })
})
