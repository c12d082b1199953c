import assert from 'node:assert/strict'
import { Uint8ArrayList } from 'uint8arraylist'
import { mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { bookIdBytesOf, bookIdOf, bookIdText, bookIdTextOf, chunkCount, chunkMatches, CHUNK_SIZE, parseBookId, verifyManifest, InvalidBookIdError, ManifestMismatchError } from '../../../src/content/book-id.js'
import { CID } from 'multiformats/cid'
import { base58btc } from 'multiformats/bases/base58'
import { hashFile } from '../../../src/content/hash-file.js'

describe('book identity', () => {
  let dir: string
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'arkshare-id-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('gives identical bytes one ID and different bytes another', async () => {
    const bytes = randomBytes(CHUNK_SIZE * 2 + 17)
    await writeFile(join(dir, 'a.txt'), bytes)
    await writeFile(join(dir, 'b.epub'), bytes)
    bytes[5] ^= 1
    await writeFile(join(dir, 'c.txt'), bytes)
    const [a, b, c] = await Promise.all(['a.txt', 'b.epub', 'c.txt'].map(async f => hashFile(join(dir, f))))
    assert.equal(bookIdOf(a).toString(), bookIdOf(b).toString())
    assert.notEqual(bookIdOf(a).toString(), bookIdOf(c).toString())
    assert.equal(a.size, CHUNK_SIZE * 2 + 17)
    assert.equal(a.chunkHashes.byteLength, 3 * 32)
  })

  it('round-trips the ID through its string form and rejects other CIDs', async () => {
    await writeFile(join(dir, 'd.txt'), 'hello')
    const id = bookIdOf(await hashFile(join(dir, 'd.txt')))
    assert.ok(parseBookId(id.toString()).equals(id))
    assert.ok(parseBookId(id.bytes).equals(id))
    assert.throws(() => parseBookId('not-a-cid'), InvalidBookIdError)
    // a valid CID of another codec (raw) is not a book ID
    assert.throws(() => parseBookId('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'), InvalidBookIdError)
  })

  it('writes and reads the text of an ID as the CID library does, without building a CID', () => {
    for (let i = 0; i < 200; i++) {
      const manifest = { size: i * 7919, chunkSize: CHUNK_SIZE, chunkHashes: randomBytes(32 * chunkCount(i * 7919)) }
      const cid = bookIdOf(manifest)
      assert.equal(bookIdText(manifest), cid.toString())
      assert.equal(bookIdTextOf(cid.bytes), cid.toString())
      assert.deepEqual(bookIdBytesOf(cid.toString()), cid.bytes)
      assert.deepEqual(bookIdBytesOf(cid.toString(base58btc)), cid.bytes, 'another base goes through the CID library')
    }
    // bytes of any other shape: refused (or read) exactly as parseBookId does
    const id = bookIdOf({ size: 1, chunkSize: CHUNK_SIZE, chunkHashes: randomBytes(32) })
    const others = [id.bytes.subarray(0, -1), Uint8Array.from([...id.bytes, 0]), Uint8Array.from(id.bytes, (b, i) => i === 1 ? b ^ 1 : b), new Uint8Array(0),
      CID.createV1(0x55, id.multihash).bytes]
    for (const bytes of others) assert.throws(() => bookIdTextOf(bytes), (err: Error) => err instanceof InvalidBookIdError && assert.throws(() => parseBookId(bytes), { message: err.message }) === undefined)
    assert.throws(() => bookIdBytesOf(`${id.toString()}!`), /Non-base32 character/)
    assert.throws(() => bookIdBytesOf('zzz'), InvalidBookIdError)
  })

  it('verifies each chunk and catches a corrupted one', async () => {
    const bytes = randomBytes(CHUNK_SIZE + 1000)
    await writeFile(join(dir, 'e.bin'), bytes)
    const manifest = await hashFile(join(dir, 'e.bin'))
    verifyManifest(bookIdOf(manifest), manifest)
    assert.equal(chunkCount(manifest.size), 2)
    assert.ok(chunkMatches(manifest, 0, bytes.subarray(0, CHUNK_SIZE)))
    assert.ok(chunkMatches(manifest, 1, bytes.subarray(CHUNK_SIZE)))
    const bad = Buffer.from(bytes.subarray(CHUNK_SIZE))
    bad[10] ^= 0xff
    assert.equal(chunkMatches(manifest, 1, bad), false)
    assert.equal(chunkMatches(manifest, 1, bytes.subarray(CHUNK_SIZE, CHUNK_SIZE + 999)), false, 'short chunk')
    assert.equal(chunkMatches(manifest, 2, bytes.subarray(0, 1)), false, 'out of range')
    // a chunk held in the pieces it arrived in is checked without joining them
    const pieces = new Uint8ArrayList(bytes.subarray(0, 1000), bytes.subarray(1000, 70_000), bytes.subarray(70_000, CHUNK_SIZE))
    assert.ok(chunkMatches(manifest, 0, pieces))
    assert.equal(chunkMatches(manifest, 0, new Uint8ArrayList(bytes.subarray(0, 1000), bytes.subarray(1001, CHUNK_SIZE + 1))), false, 'shifted piece')
    assert.equal(chunkMatches(manifest, 0, new Uint8ArrayList(bytes.subarray(0, 1000))), false, 'short pieces')
  })

  it('rejects a manifest that does not hash to the ID', async () => {
    await writeFile(join(dir, 'f.bin'), randomBytes(CHUNK_SIZE * 3))
    const manifest = await hashFile(join(dir, 'f.bin'))
    const id = bookIdOf(manifest)
    const forged = { ...manifest, chunkHashes: new Uint8Array(manifest.chunkHashes) }
    forged.chunkHashes[0] ^= 1
    assert.throws(() => verifyManifest(id, forged), ManifestMismatchError)
    assert.throws(() => verifyManifest(id, { ...manifest, size: manifest.size - 1 }), ManifestMismatchError)
    assert.throws(() => verifyManifest(id, { ...manifest, chunkHashes: manifest.chunkHashes.subarray(32) }), ManifestMismatchError)
  })

  it('hashes an empty file', async () => {
    await writeFile(join(dir, 'empty.txt'), '')
    const m = await hashFile(join(dir, 'empty.txt'))
    assert.equal(m.size, 0)
    verifyManifest(bookIdOf(m), m)
  })
})
