// In-memory stream pairs for fast unit tests of stream code, as @libp2p/ping's tests use them.
// streamPair (the mock muxer) has no flow control: a paused stream does not hold its sender back.
// yamuxPair runs real yamux, with arkshare's settings, over an in-memory connection.
import { multiaddrConnectionPair } from '@libp2p/utils'
import { arkshareYamux } from '../../src/node/yamux-muxer.js'
import type { Stream } from '@libp2p/interface'

export { streamPair } from '@libp2p/utils'

/** An outbound and an inbound stream over yamux. */
export async function yamuxPair (): Promise<[Stream, Stream]> {
  const [a, b] = multiaddrConnectionPair()
  const dialer = arkshareYamux()().createStreamMuxer(a)
  const listener = arkshareYamux()().createStreamMuxer(b)
  const inbound = new Promise<Stream>(resolve => { listener.addEventListener('stream', (evt) => { resolve(evt.detail) }, { once: true }) })
  const outbound = await dialer.createStream()
  // yamux opens a stream on its first frame
  outbound.send(new Uint8Array(0))
  return [outbound, await inbound]
}
