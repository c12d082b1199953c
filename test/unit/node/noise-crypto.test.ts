import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'
import { NOISE_WASM_BELOW_BYTES, noiseCrypto } from '../../../src/node/noise-crypto.js'

const flat = (bytes: { subarray: () => Uint8Array }): Uint8Array => Uint8Array.from(bytes.subarray())
/** What Noise hands the cipher: yamux's header and data as one list (the library's own copy of uint8arraylist). */
type Sealable = Parameters<typeof noiseCrypto.chaCha20Poly1305Encrypt>[0]
// around the library's own switch (1,200 bytes) and ours, plus a full Noise message
const SIZES = [0, 1, 1183, 1184, 1199, 1200, NOISE_WASM_BELOW_BYTES - 17, NOISE_WASM_BELOW_BYTES - 16, NOISE_WASM_BELOW_BYTES - 1, NOISE_WASM_BELOW_BYTES, 5000, 65519]

describe('Noise ChaCha20-Poly1305 chosen by size', () => {
  const k = randomBytes(32)
  const nonce = randomBytes(12)
  const ad = randomBytes(32)

  for (const size of SIZES) {
    it(`seals ${size} bytes exactly as the library's default does, and each opens the other's`, () => {
      const plaintext = randomBytes(size)
      const ours = flat(noiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k))
      const theirs = flat(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k))
      assert.deepEqual(ours, theirs)
      assert.equal(ours.byteLength, size + 16)
      const forUs = Uint8Array.from(theirs)
      assert.deepEqual(flat(noiseCrypto.chaCha20Poly1305Decrypt(forUs, nonce, ad, k, forUs.subarray(0, size))), Uint8Array.from(plaintext))
      const forThem = Uint8Array.from(ours)
      assert.deepEqual(flat(defaultCrypto.chaCha20Poly1305Decrypt(forThem, nonce, ad, k, forThem.subarray(0, size))), Uint8Array.from(plaintext))
    })

    it(`seals ${size} bytes given in pieces (as yamux hands them over) the same as in one piece`, () => {
      const plaintext = randomBytes(size)
      const pieces = new Uint8ArrayList(plaintext.subarray(0, Math.min(12, size)), plaintext.subarray(Math.min(12, size))) as unknown as Sealable
      assert.deepEqual(flat(noiseCrypto.chaCha20Poly1305Encrypt(pieces, nonce, ad, k)), flat(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)))
    })

    it(`refuses ${size} bytes whose tag or text was altered`, () => {
      const sealed = flat(defaultCrypto.chaCha20Poly1305Encrypt(randomBytes(size), nonce, ad, k))
      sealed[Math.floor(sealed.byteLength / 2)] ^= 1
      assert.throws(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, k, sealed.subarray(0, size)))
    })
  }
})
