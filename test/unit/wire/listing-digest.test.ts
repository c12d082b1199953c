// The listing digest of spec 5.2.1: the spec's test vector, independence from order, and a digest
// kept up to date a change at a time equal to one computed from the whole listing.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { base32 } from 'multiformats/bases/base32'
import { digestFromWords, digestWords, listingDigest, listingHash, listingHashWords, sameDigest, xorInto } from '../../../src/wire/listing-digest.js'
import type { BookRecord } from '../../../src/wire/records.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

// the spec's two books (protocols/README.md 5.2.1)
const A: BookRecord = { id: 'baga3n2ibciqotdgqy3i2gv2ed7ybgvuamk5vwvmmcf7ac5kksucrlzspmx6mcxi', title: 'Moby Dick', author: 'Herman Melville', format: 'epub', size: 5, fileName: 'Moby Dick.epub', language: 'en' }
const B: BookRecord = { id: 'baga3n2ibciqczfd62h7xrprpik5f6jvbbmmfqoc7bxsj2rlii7x46yudxaxprti', title: 'Émile', author: '', format: '', size: 6, fileName: 'émile.txt', language: '' }

function book (n: number): BookRecord {
  const id = Buffer.from('0181b6e9011220' + n.toString(16).padStart(64, '0'), 'hex')
  return { id: base32.encode(id), title: `Title ${n}`, author: `Author ${n % 7}`, format: 'txt', size: 1000 + n, fileName: `t${n}.txt`, language: n % 2 === 0 ? 'en' : '' }
}

describe('listing digest', () => {
  it('matches the spec\'s test vector', () => {
    assert.equal(hex(listingHash(A)), 'c6c07731d36358138f644cb33a50ade9')
    assert.equal(hex(listingHash(B)), '683e3082e7fa0452fe332147b0c7913c')
    assert.equal(hex(listingDigest([A, B])), 'aefe47b334995c4171576df48a973cd5')
    assert.equal(hex(listingDigest([])), '00'.repeat(16))
  })

  it('does not depend on order, and tells listings apart by any field', () => {
    const books = Array.from({ length: 50 }, (_, n) => book(n))
    const digest = listingDigest(books)
    assert.ok(sameDigest(listingDigest([...books].reverse()), digest))
    for (const change of [{ title: 'x' }, { author: 'x' }, { format: 'epub' }, { size: 1 }, { fileName: 'x.txt' }, { language: 'fr' }]) {
      const changed = books.map((b, i) => i === 20 ? { ...b, ...change } : b)
      assert.ok(!sameDigest(listingDigest(changed), digest), JSON.stringify(change))
    }
    assert.ok(!sameDigest(listingDigest(books.slice(1)), digest))
    // fields are length-prefixed: moving text from one field to the next is a different listing
    assert.notEqual(hex(listingHash({ ...A, title: 'Moby', author: ' DickHerman Melville' })), hex(listingHash(A)))
  })

  it('kept up to date a change at a time, equals the digest of the whole listing', () => {
    const listing = new Map(Array.from({ length: 40 }, (_, n) => [n, book(n)]))
    const running = listingDigest(listing.values())
    for (let step = 0; step < 60; step++) {
      const n = (step * 17) % 55
      const old = listing.get(n)
      if (old != null) xorInto(running, listingHash(old))
      if (step % 3 === 0) {
        listing.delete(n)
      } else {
        const now = { ...book(n), title: `Title ${n} v${step}` }
        listing.set(n, now)
        xorInto(running, listingHash(now))
      }
      assert.equal(hex(running), hex(listingDigest(listing.values())), `step ${step}`)
    }
  })

  it('hashes long fields whole (the encoding as the spec writes it, byte for byte)', () => {
    const long: BookRecord = { ...B, title: 'Ü'.repeat(3000), fileName: 'ü'.repeat(255) }
    const field = (text: string): Buffer => { const bytes = Buffer.from(text, 'utf8'); return Buffer.concat([Buffer.from([0, 0, bytes.length >> 8, bytes.length & 0xff]), bytes]) }
    const size = Buffer.alloc(8)
    size.writeBigUInt64BE(BigInt(long.size))
    const encoded = Buffer.concat([field(long.id), field(long.title), field(long.author), field(long.format), size, field(long.fileName), field(long.language)])
    assert.equal(hex(listingHash(long)), createHash('sha256').update(encoded).digest('hex').slice(0, 32))
    assert.equal(hex(listingHash(A)), 'c6c07731d36358138f644cb33a50ade9', 'and short ones after it')
  })

  it('round-trips through the four words an index stores', () => {
    const digest = listingDigest([A, B])
    assert.deepEqual(digestFromWords(digestWords(digest)), digest)
    for (const book of [A, B]) assert.deepEqual(listingHashWords(book), digestWords(listingHash(book)), 'a listing hash read as words straight away')
    assert.ok(!sameDigest(undefined, digest))
    assert.ok(!sameDigest(new Uint8Array(0), new Uint8Array(0)))
  })
})
