// In-memory stream pairs for fast unit tests of stream code, as @libp2p/ping's tests use them.
// streamPair (the mock muxer) has no flow control: a paused stream does not hold its sender back.
// yamuxPair runs real yamux, with arkshare's settings unless told, over an in-memory connection.
import { multiaddrConnectionPair } from '@libp2p/utils'
import { arkshareYamux } from '../../src/node/yamux-muxer.js'
import type { Stream } from '@libp2p/interface'

export { streamPair } from '@libp2p/utils'

export interface YamuxPairOptions {
  /** The muxer on both ends (default arkshareYamux()). */
  muxers?: ReturnType<typeof arkshareYamux>
  /** Counts the frames each end hands its connection, from the stream's opening on. */
  sent?: { outbound: number, inbound: number }
}

/** An outbound and an inbound stream over yamux. */
export async function yamuxPair (options: YamuxPairOptions = {}): Promise<[Stream, Stream]> {
  const [a, b] = multiaddrConnectionPair()
  const { sent } = options
  if (sent != null) {
    for (const [connection, end] of [[a, 'outbound'], [b, 'inbound']] as const) {
      const send = connection.send.bind(connection)
      connection.send = (data) => { sent[end]++; return send(data) }
    }
  }
  const muxers = options.muxers ?? arkshareYamux()
  const dialer = muxers().createStreamMuxer(a)
  const listener = muxers().createStreamMuxer(b)
  const inbound = new Promise<Stream>(resolve => { listener.addEventListener('stream', (evt) => { resolve(evt.detail) }, { once: true }) })
  const outbound = await dialer.createStream()
  // yamux opens a stream on its first frame
  outbound.send(new Uint8Array(0))
  return [outbound, await inbound]
}
