// Noise's ChaCha20-Poly1305, chosen by message size. @chainsafe/libp2p-noise seals and opens messages
// under 1,200 bytes with its WASM ChaCha and larger ones with node:crypto, which builds a cipher
// object (and new buffers) for every message. Measured on this project's request/reply path (a
// canned search reply, client and server in one process, paired bursts): a 1,250-byte reply cost
// about 0.05 ms more per exchange through node:crypto than through the WASM code, a 2,500-byte one
// about the same either way. Search replies (1.8 KB on average in bench:index) sit in between, so
// messages below 2 KiB go through the WASM code; bulk data (fetch chunks: 64 KiB Noise messages)
// stays on node:crypto. ChaCha20-Poly1305 is deterministic: the bytes on the wire do not change, and
// peers with the library's default interoperate (tests compare the two).
import { asCrypto, defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'

/** Noise messages shorter than this (plaintext when sealing, ciphertext when opening) use the WASM ChaCha. */
export const NOISE_WASM_BELOW_BYTES = 2048

export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
    return plaintext.byteLength < NOISE_WASM_BELOW_BYTES
      ? asCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
      : defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
  },
  chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k, dst) {
    return ciphertext.byteLength < NOISE_WASM_BELOW_BYTES
      ? asCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
      : defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
  }
}

/** Noise's settings on every arkshare node (and the benchmarks' clients, which stand in for them). */
export const NOISE_OPTIONS = { crypto: noiseCrypto }
