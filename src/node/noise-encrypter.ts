// The Noise connection encrypter of every arkshare node: the library's, with our ChaCha choice
// (noise-crypto.ts), a frame-length reader that does not throw, and each small message handed to
// the socket as one buffer.
//
// Noise transport messages carry a 2-byte length. @chainsafe/libp2p-noise 17.0.0 (and
// @libp2p/noise 17.0.3) reads them with a LengthPrefixedDecoder whose length reader throws a
// RangeError when fewer than two bytes are buffered; the decoder catches it to stop. That happens at
// the end of every chunk read from the socket, so every read builds an Error and its stack trace
// (~3.5 µs each here). Measured in `bench:index` at 100,000 books, three rounds each way: CPU per
// search 0.194–0.202 ms (index) and 0.222–0.225 ms (its clients) without the throw, against
// 0.214–0.220 and 0.242–0.252 ms with it; the empty index 0.100 against 0.108–0.114 ms.
// A length of 0 while fewer than two bytes are buffered stops the decoder's loop the same way (a
// 2-byte frame cannot be taken from under 2 bytes), so the frames it yields do not change.
//
// The library hands the transport each message as a list: its length, then its ciphertext (and
// tag); TCP writes each piece with its own socket write, a system call each. A message of up to
// 64 KiB (a request, a reply, a window update) is joined into one buffer first: one write. Larger
// sends (bulk data) stay as they were, where joining would copy every byte once more. With
// yamux-muxer.ts, a search and its reply went from four socket writes on each side to one.
import { noise, type NoiseInit } from '@chainsafe/libp2p-noise'
import type { ConnectionEncrypter, SecuredConnection } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import { NOISE_OPTIONS } from './noise-crypto.js'

type NoiseFactory = ReturnType<typeof noise>
type NoiseComponents = Parameters<NoiseFactory>[0]

/** A Noise frame's length: the buffer's first two bytes, big-endian; 0 while fewer are buffered. */
export function frameLength (data: Uint8ArrayList | Uint8Array): number {
  if (data.length < 2) return 0
  return data instanceof Uint8Array ? (data[0] << 8) | data[1] : (data.get(0) << 8) | data.get(1)
}

/** Encrypted output up to this size is handed to the transport as one buffer (one socket write). */
export const ONE_WRITE_UP_TO_BYTES = 64 * 1024

/** The library's length reader, recognised by name: only it is replaced, nothing we do not know. */
const LIBRARY_LENGTH_READER = 'uint16BEDecode'

/**
 * Gives a secured Noise connection's frame decoder our length reader. False (and nothing changed)
 * when the connection does not have the decoder this was written for, e.g. after a library upgrade.
 */
export function quietFrameLengths (connection: unknown): boolean {
  const decoder = (connection as { decoder?: { lengthDecoder?: unknown } } | null)?.decoder
  const reader = decoder?.lengthDecoder
  if (typeof reader !== 'function' || reader.name !== LIBRARY_LENGTH_READER) return false
  decoder!.lengthDecoder = frameLength
  return true
}

/**
 * Makes a secured Noise connection hand each encrypted send of up to ONE_WRITE_UP_TO_BYTES to its
 * transport as one buffer. False (nothing changed) when it does not encrypt as this was written for.
 */
export function oneWritePerMessage (connection: unknown): boolean {
  const secured = connection as { encrypt?: (chunk: Uint8Array | Uint8ArrayList) => Uint8ArrayList } | null
  const encrypt = secured?.encrypt
  if (typeof encrypt !== 'function' || encrypt.length !== 1) return false
  secured!.encrypt = (chunk) => {
    const sealed = encrypt.call(secured, chunk)
    // a list of one buffer gives that buffer, uncopied; a Uint8Array is what the transport takes too
    return (sealed.byteLength <= ONE_WRITE_UP_TO_BYTES ? sealed.subarray() : sealed) as Uint8ArrayList
  }
  return true
}

/** `noise(init)`, each secured connection given the length reader and the single writes above. */
export function arkshareNoise (init: NoiseInit = NOISE_OPTIONS): NoiseFactory {
  const factory = noise(init)
  return (components: NoiseComponents) => {
    const encrypter = factory(components)
    const log = components.logger.forComponent('arkshare:noise')
    let warned = false
    const tune = <S extends SecuredConnection<any>>(secured: S): S => {
      const quiet = quietFrameLengths(secured.connection)
      const joined = oneWritePerMessage(secured.connection)
      if ((!quiet || !joined) && !warned) {
        warned = true
        log('the Noise library frames messages differently from 17.0: its own ways kept (length reader %s, single writes %s)', quiet ? 'ours' : 'its own', joined ? 'ours' : 'its own')
      }
      return secured
    }
    const inbound = encrypter.secureInbound.bind(encrypter)
    const outbound = encrypter.secureOutbound.bind(encrypter)
    const wrapped: ConnectionEncrypter<any> = encrypter
    wrapped.secureInbound = async (...args: Parameters<typeof inbound>) => tune(await inbound(...args))
    wrapped.secureOutbound = async (...args: Parameters<typeof outbound>) => tune(await outbound(...args))
    return encrypter
  }
}
