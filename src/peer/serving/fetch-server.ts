// Serves /arkshare/fetch: the manifest and the chunks of books in this peer's current catalog,
// addressed only by book ID. The file's size and mtime are checked against what was hashed before
// each request and again after reading it, so an edited file is withdrawn instead of served; the
// downloader verifies every chunk anyway, so hashing here again would only double the CPU cost.
import { open, stat, type FileHandle } from 'node:fs/promises'
import { chunkCount, chunkLength, bookIdTextOf, type Manifest } from '../../content/book-id.js'
import { FileChangedError } from '../../content/hash-file.js'
import { FETCH, FetchRequest, FetchResponse, Status } from '../../wire/messages.js'
import { RequestError } from '../../wire/errors.js'
import { LIMITS } from '../../wire/protocols.js'
import { serveRequests, type Reply } from '../../wire/request-loop.js'
import type { StreamBudget } from '../../limits/stream-budget.js'
import type { Shelf, ShelfEntry } from './shelf.js'
import { QUEUE_HEARTBEAT_MS, READ_BATCH_CHUNKS } from '../constants.js'
import type { BandwidthBudget } from '../../limits/token-bucket.js'
import type { UploadSlots } from '../../limits/upload-slots.js'
import type { UploadMeter } from './upload-meter.js'
import type { Logger, Stream, Connection } from '@libp2p/interface'

/** What the server needs of the connection a stream came on (a libp2p Connection is one). */
export type FetchConnection = Pick<Connection, 'remotePeer' | 'remoteAddr'>

export interface FetchServerOptions {
  shelf: Pick<Shelf, 'get' | 'recheck'>
  log: Logger
  /** Upload rate limits, global and per remote peer. */
  budget?: BandwidthBudget
  /** Concurrent uploads; a stream holds a slot from its first CHUNKS request until it ends. */
  slots?: UploadSlots
  /** Fetch streams open at once, in all and per address (queued ones included). */
  streams?: StreamBudget
  /** Counts what is sent to whom (the uploads view). */
  meter?: UploadMeter
  /**
   * A queued downloader hears its place at least this often.
   *
   * @default QUEUE_HEARTBEAT_MS
   */
  queueHeartbeatMs?: number
  /** Only books of at most this many bytes are served (a relayed connection, spec 5.5). */
  maxBookBytes?: number
}

function emptyResponse (): FetchResponse {
  return { status: Status.OK, message: '', size: 0n, chunkSize: 0, chunkHashes: new Uint8Array(0), length: 0n, queuePosition: 0, retryAfterSeconds: 0 }
}

/** The book file a stream reads from: opened at its first CHUNKS request, kept until the stream ends. */
class BookReader {
  private entry?: ShelfEntry
  private handle?: FileHandle

  async handleFor (entry: ShelfEntry): Promise<FileHandle> {
    if (this.entry === entry && this.handle != null) return this.handle
    await this.close()
    this.handle = await open(entry.path, 'r')
    this.entry = entry
    return this.handle
  }

  async close (): Promise<void> {
    const handle = this.handle
    this.handle = undefined
    this.entry = undefined
    await handle?.close()
  }
}

/**
 * Reads chunks `first` .. `first + count - 1` in batches of up to `batchOf()` chunks, one read call
 * each, checking the file after every read. A batch is sent in one write, which yamux carries as one
 * frame where its window allows: fewer frames mean fewer window updates and wake-ups on both sides.
 */
async function * readChunks (handle: FileHandle, entry: ShelfEntry, first: number, count: number, batchOf: () => number, onChanged: () => void, beforeBatch?: (bytes: number) => Promise<void>): AsyncGenerator<Uint8Array[]> {
  const { manifest } = entry
  for (let index = first; index < first + count;) {
    const end = Math.min(first + count, index + Math.max(1, batchOf()))
    const lengths: number[] = []
    for (let i = index; i < end; i++) lengths.push(chunkLength(manifest, i))
    const length = lengths.reduce((a, b) => a + b, 0)
    await beforeBatch?.(length)
    // a fresh buffer per batch: stream.send keeps a reference to what it is given
    const buffer = new Uint8Array(length)
    let got = 0
    while (got < length) {
      const { bytesRead } = await handle.read(buffer, got, length - got, index * manifest.chunkSize + got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    const info = await handle.stat()
    if (got !== length || info.size !== entry.size || info.mtimeMs !== entry.mtimeMs) {
      onChanged()
      throw new FileChangedError(`${entry.path} changed since it was shared`)
    }
    let at = 0
    yield lengths.map(n => buffer.subarray(at, (at += n)))
    index = end
  }
}

export async function handleFetchStream (stream: Stream, connection: FetchConnection, options: FetchServerOptions): Promise<void> {
  const { shelf, log } = options
  const remote = connection.remotePeer.toString()

  const lookup = async (bookId: Uint8Array): Promise<ShelfEntry> => {
    let id: string
    try {
      id = bookIdTextOf(bookId)
    } catch (err) {
      throw new RequestError(Status.E_INVALID_REQUEST, (err as Error).message)
    }
    const entry = shelf.get(id)
    if (entry == null) throw new RequestError(Status.E_NOT_FOUND, `this peer does not share ${id}`)
    if (options.maxBookBytes != null && entry.size > options.maxBookBytes) {
      throw new RequestError(Status.E_NOT_AUTHORIZED, `too large for the relay: ${entry.size} bytes, at most ${options.maxBookBytes}`)
    }
    const info = await stat(entry.path).catch(() => undefined)
    if (info == null || info.size !== entry.size || info.mtimeMs !== entry.mtimeMs) {
      shelf.recheck()
      throw new RequestError(Status.E_UNAVAILABLE, 'the book changed on disk; it is being re-indexed')
    }
    return entry
  }

  const reader = new BookReader()
  let release: (() => void) | undefined
  /** Ends this stream's place in the upload meter once it is served chunks. */
  let endUpload: (() => void) | undefined

  /** Waits for an upload slot, telling the downloader its place in the queue meanwhile. */
  const waitForSlot = async (slots: UploadSlots, signal: AbortSignal, interim: (r: FetchResponse) => Promise<void>): Promise<() => void> => {
    let position = 0
    const tell = (): void => {
      interim({ ...emptyResponse(), status: Status.QUEUED, queuePosition: position }).catch(() => {})
    }
    const heartbeat = setInterval(tell, options.queueHeartbeatMs ?? QUEUE_HEARTBEAT_MS)
    try {
      return await slots.acquire(remote, { signal, onPosition: (p) => { position = p; tell() } })
    } finally {
      clearInterval(heartbeat)
    }
  }

  try {
    await serveRequests<FetchRequest, FetchResponse>({
      stream,
      log,
      budget: options.streams == null ? undefined : { streams: options.streams, remote: connection.remoteAddr },
      exchange: FETCH,
      errorResponse: (status, message, retryAfterSeconds) => ({ ...emptyResponse(), status, message, retryAfterSeconds }),
      handle: async (request, { signal, interim }): Promise<Reply<FetchResponse>> => {
        const entry = await lookup(request.bookId)
        const manifest: Manifest = entry.manifest
        if (request.type === FetchRequest.Type.MANIFEST) {
          return {
            response: { ...emptyResponse(), size: BigInt(manifest.size), chunkSize: manifest.chunkSize, chunkHashes: manifest.chunkHashes as Uint8Array<ArrayBuffer> }
          }
        }
        if (request.type !== FetchRequest.Type.CHUNKS) throw new RequestError(Status.E_INVALID_REQUEST, 'unknown request type')
        const total = chunkCount(manifest.size, manifest.chunkSize)
        const { firstChunk: first, chunkCount: count } = request
        if (count < 1 || count > LIMITS.fetch.maxChunksPerRequest) {
          throw new RequestError(Status.E_INVALID_REQUEST, `chunk_count must be 1..${LIMITS.fetch.maxChunksPerRequest}`)
        }
        if (first + count > total) throw new RequestError(Status.E_INVALID_REQUEST, `the book has ${total} chunks`)
        let length = 0
        for (let i = first; i < first + count; i++) length += chunkLength(manifest, i)
        const slots = options.slots
        if (slots != null) {
          // the slots were lowered below the uploads running: this one gives its slot up and queues again
          if (release != null && slots.overCapacity) { release(); release = undefined }
          release ??= await waitForSlot(slots, signal, interim)
        }
        const { budget, meter } = options
        if (meter != null) endUpload ??= meter.begin(remote)
        // the limits may change while a request is served: each batch asks; under a rate limit a
        // batch is one chunk, so the pace stays as even as the limit's burst allows
        const beforeBatch = budget != null ? async (bytes: number) => { if (budget.limited) await budget.take(remote, bytes, signal) } : undefined
        const batchOf = (): number => budget?.limited === true ? 1 : READ_BATCH_CHUNKS
        const frames = readChunks(await reader.handleFor(entry), entry, first, count, batchOf, () => { shelf.recheck() }, beforeBatch)
        return {
          response: { ...emptyResponse(), length: BigInt(length) },
          frames: meter == null ? frames : counted(frames, (bytes) => { meter.sent(remote, bytes) })
        }
      }
    })
  } finally {
    await reader.close().catch(() => {})
    endUpload?.()
    release?.()
  }
}

/** Passes batches of chunks on, telling `onBatch` the bytes of each as it is handed over to be sent. */
async function * counted (batches: AsyncGenerator<Uint8Array[]>, onBatch: (bytes: number) => void): AsyncGenerator<Uint8Array[]> {
  for await (const batch of batches) {
    onBatch(batch.reduce((n, chunk) => n + chunk.byteLength, 0))
    yield batch
  }
}

/** Answers each request of a fetch stream with E_NOT_AUTHORIZED (`reason`), then closes it. */
export async function refuseFetchStream (stream: Stream, log: Logger, reason: string): Promise<void> {
  await serveRequests<FetchRequest, FetchResponse>({
    stream,
    log,
    exchange: FETCH,
    errorResponse: (status, message, retryAfterSeconds) => ({ ...emptyResponse(), status, message, retryAfterSeconds }),
    handle: async () => { throw new RequestError(Status.E_NOT_AUTHORIZED, reason) }
  })
}
