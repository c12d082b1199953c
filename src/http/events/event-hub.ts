// Server-sent events (`/api/v1/events`): each stream gets a `snapshot` first (so a reconnecting
// tab is whole again), then the events broadcast to it, and a `: ping` comment every 15 s. The
// number of streams is bounded; a stream whose client reads too slowly is dropped, not buffered.
import { EVENTS_PING_MS, MAX_EVENT_CLIENTS } from '../constants.js'
import { HttpError } from '../errors.js'
import type { RequestContext } from '../router.js'
import type { Startable } from '@libp2p/interface'
import type { ServerResponse } from 'node:http'

/** How long a browser waits before reopening a dropped stream. */
const RECONNECT_MS = 3_000
/** Bytes a client may leave unread before its stream is closed (it reconnects and gets a snapshot). */
const MAX_UNREAD_BYTES = 1024 * 1024

export interface EventClient {
  /** What the client asked for besides the usual events (`?download=<id>`). */
  readonly options: URLSearchParams
  send: (event: string, data: unknown) => void
}

export interface EventHubInit {
  /** The state a new stream starts from. */
  snapshot: (client: EventClient) => Promise<unknown> | unknown
  maxClients?: number
  pingMs?: number
  /** Hears the number of open streams when it changes. */
  onClients?: (count: number) => void
}

class Stream implements EventClient {
  constructor (private readonly res: ServerResponse, readonly options: URLSearchParams) {}

  send (event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }

  write (text: string): void {
    if (this.res.writableLength > MAX_UNREAD_BYTES) {
      this.res.destroy()
      return
    }
    this.res.write(text)
  }

  close (): void {
    this.res.end()
  }
}

export class EventHub implements Startable {
  private readonly clients = new Set<Stream>()
  private ping?: ReturnType<typeof setInterval>

  constructor (private readonly init: EventHubInit) {}

  get size (): number { return this.clients.size }

  start (): void {
    this.ping = setInterval(() => { for (const c of this.clients) c.write(': ping\n\n') }, this.init.pingMs ?? EVENTS_PING_MS)
  }

  stop (): void {
    clearInterval(this.ping)
    for (const client of this.clients) client.close()
    this.clients.clear()
    this.init.onClients?.(0)
  }

  /** Sends an event to every stream (that `wants` it, when given). */
  broadcast (event: string, data: unknown, wants?: (client: EventClient) => boolean): void {
    for (const client of this.clients) if (wants == null || wants(client)) client.send(event, data)
  }

  /** Whether any stream is open that `wants` this. */
  some (wants: (client: EventClient) => boolean): boolean {
    for (const client of this.clients) if (wants(client)) return true
    return false
  }

  /** The route's handler: holds the response open as an event stream until either side closes it. */
  async open (ctx: RequestContext): Promise<undefined> {
    if (this.clients.size >= (this.init.maxClients ?? MAX_EVENT_CLIENTS)) throw new HttpError(503, 'too many event streams open')
    const { res } = ctx
    const client = new Stream(res, ctx.query)
    const snapshot = await this.init.snapshot(client)
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' })
    // a dropped stream is reopened by the browser after this long, and starts from a new snapshot
    client.write(`retry: ${RECONNECT_MS}\n\n`)
    client.send('snapshot', snapshot)
    if (res.destroyed) return undefined
    this.clients.add(client)
    this.init.onClients?.(this.clients.size)
    res.once('close', () => {
      this.clients.delete(client)
      this.init.onClients?.(this.clients.size)
    })
    return undefined
  }
}
