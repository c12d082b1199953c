// What the index handlers' tests share: a handler served on one end of an in-memory stream pair
// with a request channel on the other, a remote peer, books with real IDs, a fake peer store.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { bookIdOf } from '../../../../src/content/book-id.js'
import { StreamBudget } from '../../../../src/limits/stream-budget.js'
import { bookToWire, type BookRecord } from '../../../../src/wire/records.js'
import { RequestChannel } from '../../../../src/wire/request-channel.js'
import { streamPair } from '../../../support/stream-pairs.js'
import type { StreamOrigin } from '../../../../src/index-node/handlers/index-stream.js'
import type { ExchangeSpec } from '../../../../src/wire/messages.js'
import type { Status } from '../../../../src/wire/errors.js'
import type { Peer, PeerStore, Stream } from '@libp2p/interface'

export const log = logger('arkshare:test')

/** A peer on the other end of a connection from `ip`. */
export async function remotePeer (ip = '10.0.0.1'): Promise<StreamOrigin> {
  const remotePeer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  return { remotePeer, remoteAddr: multiaddr(`/ip4/${ip}/tcp/4001`) }
}

/** A stream budget roomy enough not to matter, unless told. */
export function streamBudget (maxOpen = 64, maxOpenPerAddress = 64): StreamBudget {
  return new StreamBudget({ maxOpen, maxOpenPerAddress })
}

/** A peer store that knows every peer at these addresses (none: it knows no peer). */
export function peerStoreWith (...addrs: string[]): Pick<PeerStore, 'get'> {
  return {
    get: async () => {
      if (addrs.length === 0) throw new Error('not found')
      return { addresses: addrs.map(a => ({ multiaddr: multiaddr(a), isCertified: false })) } as unknown as Peer
    }
  }
}

/** A book with a real ID (from `seed`), as a catalog record. */
export function book (seed: number, title: string, author = 'Anon'): BookRecord {
  const id = bookIdOf({ size: 3, chunkSize: 262144, chunkHashes: new Uint8Array(32).fill(seed) }).toString()
  return { id, title, author, format: 'epub', size: 3, fileName: `${title}.epub`, language: 'en' }
}

export const wireBook = (seed: number, title: string): ReturnType<typeof bookToWire> => bookToWire(book(seed, title))

interface Handler { handle: (stream: Stream, connection: StreamOrigin) => Promise<void> }

export interface Served<Req, Res extends { status: Status, message: string }> {
  client: RequestChannel<Req, Res>
  /** Settles when the handler is done with its stream. */
  served: Promise<void>
}

/** Serves `handler` on one end of a stream pair from `origin`; a request channel on the other end. */
export async function serve<Req, Res extends { status: Status, message: string }> (handler: Handler, origin: StreamOrigin, exchange: ExchangeSpec<Req, Res>): Promise<Served<Req, Res>> {
  const [outbound, inbound] = await streamPair()
  return { client: new RequestChannel(outbound, exchange), served: handler.handle(inbound, origin) }
}
