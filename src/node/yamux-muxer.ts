// Yamux as every arkshare node runs it: the library's, with our window settings and window updates
// sent once half a stream's receive window is used.
//
// @chainsafe/libp2p-yamux 8.0 answers every data frame it receives with a window update (a frame of
// its own: a Noise message of its own, and its own socket writes), so one request and its reply
// cost four messages instead of two. The spec leaves the timing to the receiver; go-yamux and the
// Rust yamux send an update only once half the window is used, which is what this does. The sender
// never has more room than before (reads stay bounded by the window), and it always has at least
// half a window: nothing waits for an update that is not sent. Measured in `bench:index` at 100,000
// books, three rounds each way, together with the single write per Noise message
// (noise-encrypter.ts): CPU per search 0.170–0.172 ms (index) and 0.188–0.192 ms (its clients),
// against 0.196–0.197 and 0.222; the empty index 0.077 against 0.097 ms.
import { yamux } from '@chainsafe/libp2p-yamux'
import { StreamState, type YamuxStream } from '@chainsafe/libp2p-yamux/stream'

/**
 * Yamux receive-side settings. By default a stream's receive window grows to 16 MiB while a stream
 * may buffer only 4 MiB: a reader that pauses (as ours do, to bound what they hold) could then be
 * reset with "Read buffer length exceeded". A 4 MiB window under an 8 MiB buffer cannot overflow.
 */
export const YAMUX_OPTIONS = {
  streamOptions: { maxStreamWindowSize: 4 * 1024 * 1024, maxReadBufferLength: 8 * 1024 * 1024 }
}

type YamuxFactory = ReturnType<typeof yamux>

/** What this reads of a stream's receive window (private fields of YamuxStream 8.0). */
interface ReceiveWindow { state: StreamState, recvWindow?: unknown, recvWindowCapacity?: unknown }

/**
 * Makes the stream send window updates only once half its receive window is used (or when the
 * update carries a flag: the stream's opening, its acknowledgement). False (nothing changed) when
 * the stream does not keep its window as this was written for.
 */
export function lazyWindowUpdates (stream: YamuxStream): boolean {
  const window = stream as unknown as ReceiveWindow
  if (typeof window.recvWindow !== 'number' || typeof window.recvWindowCapacity !== 'number' || typeof stream.sendWindowUpdate !== 'function') return false
  const update = stream.sendWindowUpdate.bind(stream)
  stream.sendWindowUpdate = () => {
    // an established stream with over half its window still open needs no update yet; any other
    // state may need the update's flags (or, paused, is left to the library)
    if (window.state === StreamState.Established && (window.recvWindowCapacity as number) * 2 > (window.recvWindow as number)) return
    update()
  }
  return true
}

/** `yamux(init)`, each stream of each connection given lazy window updates. */
export function arkshareYamux (init: Parameters<typeof yamux>[0] = YAMUX_OPTIONS): YamuxFactory {
  const factory = yamux(init)
  return () => {
    const muxers = factory()
    const create = muxers.createStreamMuxer.bind(muxers)
    muxers.createStreamMuxer = (connection) => {
      const muxer = create(connection)
      // every stream, inbound or outbound, is made by this one method of the muxer
      const made = muxer as unknown as { _newStream?: (...args: unknown[]) => YamuxStream }
      const newStream = made._newStream?.bind(muxer)
      if (newStream != null) {
        made._newStream = (...args: unknown[]) => {
          const stream = newStream(...args)
          lazyWindowUpdates(stream)
          return stream
        }
      }
      return muxer
    }
    return muxers
  }
}
