// Downloads one book from the peers that provide it. The manifest is checked against the book ID
// and every chunk against the manifest before a byte is written. Chunks are pulled from several
// providers at once (a fast provider comes back for more sooner, so it gets more); near the end,
// idle providers duplicate the chunks still outstanding elsewhere, so one slow peer cannot hold the
// download back. A provider that fails or lies is dropped and its chunks go to the others.
// Data goes to "<name>.arkpart" (with "<name>.arkstate" naming the book), so a crashed download
// resumes from the verified chunks on disk; the file takes its final name only once complete.
import { open, unlink, mkdir, readFile, writeFile, rename, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { chunkCount, chunkLength, chunkMatches, verifyManifest, type Manifest } from '../content/book-id.js'
import { FETCH, FetchRequest, FetchResponse, Status } from '../wire/messages.js'
import { normaliseError } from '../wire/errors.js'
import { FETCH_PROTOCOL, LIMITS } from '../wire/protocols.js'
import { RequestChannel } from '../wire/request-channel.js'
import { publishFile, safeFileName } from './download-target.js'
import type { BandwidthBudget } from '../transfer/token-bucket.js'
import type { PeerStats } from '../transfer/peer-stats.js'
import type { BookRecord, ProviderInfo } from '../wire/records.js'
import type { CID } from 'multiformats/cid'
import type { Logger, PeerId, PeerStore } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

export interface DownloadProgress {
  id: string
  fileName: string
  bytesDone: number
  totalBytes: number
  chunksDone: number
  chunksTotal: number
  /** Bytes found already verified on disk when the download (re)started. */
  resumedBytes: number
  /** Bytes received from the network so far, duplicates and rejected chunks included. */
  bytesFetched: number
  activeProviders: number
  /** Providers that put us in their upload queue, with our place in it. */
  queued: Array<{ peerId: string, position: number }>
  bytesPerSecond: number
}

export interface DownloadResult {
  id: string
  path: string
  bytes: number
  manifest: Manifest
  resumedBytes: number
  /** Bytes received from the network, duplicates included. */
  bytesFetched: number
  providersUsed: string[]
  /** Providers dropped during this download, with the reason (bad data, stalled, unreachable). */
  providersFailed: Array<{ peerId: string, reason: string }>
}

/** Peers caught sending bad data, skipped for a while by later downloads too. */
export interface BadPeers {
  has: (peerId: string) => boolean
  add: (peerId: string, reason: string) => void
}

export interface DownloadOptions {
  id: CID
  /** Metadata from the index, used for the file name (untrusted, sanitised). */
  book?: BookRecord
  providers: ProviderInfo[]
  outDir: string
  signal?: AbortSignal
  onProgress?: (progress: DownloadProgress) => void
  /** Providers pulled from at once (default 8). */
  maxProviders?: number
  /** How long one reply may take before the provider counts as stalled (default 20 s). */
  stallTimeoutMs?: number
  /** Asked periodically during the download for providers that appeared since it started. */
  refreshProviders?: () => Promise<ProviderInfo[]>
  refreshIntervalMs?: number
  /** Download rate limit. */
  budget?: BandwidthBudget
  stats?: PeerStats
  badPeers?: BadPeers
}

export interface DownloaderComponents {
  peerId: PeerId
  peerStore: PeerStore
  connectionManager: ConnectionManager
}

export class DownloadError extends Error {
  override name = 'DownloadError'
}

/** Chunks per request, and requests in flight per provider: bounds what a provider can push at us. */
const CHUNKS_PER_REQUEST = 8
const PIPELINE_DEPTH = 3
/** Verified chunks waiting for the disk; receiving pauses above this. */
const MAX_PENDING_WRITE_BYTES = 16 * 1024 * 1024
/** In the end game a chunk is requested from at most this many providers at once. */
const MAX_CLAIMS = 2

type FetchChannel = RequestChannel<FetchRequest, FetchResponse>

class BadDataError extends Error {
  override name = 'BadDataError'
}

class FinishedError extends Error {
  override name = 'FinishedError'
}

/**
 * Which chunks are done, and who is fetching the rest. Workers claim contiguous runs of pending
 * chunks; once none are pending they may claim runs already in flight elsewhere (the end game).
 */
export class ChunkPlan {
  private readonly done: boolean[]
  private readonly claims: number[]
  /** No chunk below this index is pending: claims start here instead of at 0 (books of 100k+ chunks). */
  private firstPending = 0
  doneCount = 0

  constructor (readonly total: number) {
    this.done = new Array<boolean>(total).fill(false)
    this.claims = new Array<number>(total).fill(0)
  }

  isDone (i: number): boolean { return this.done[i] }

  markDone (i: number): boolean {
    if (this.done[i]) return false
    this.done[i] = true
    this.doneCount++
    return true
  }

  private pending (i: number): boolean { return !this.done[i] && this.claims[i] === 0 }

  private nextPending (): number {
    while (this.firstPending < this.total && !this.pending(this.firstPending)) this.firstPending++
    return this.firstPending
  }

  private runFrom (first: number, max: number, ok: (i: number) => boolean): { first: number, count: number } {
    let count = 0
    while (count < max && first + count < this.total && ok(first + count)) count++
    for (let i = first; i < first + count; i++) this.claims[i]++
    return { first, count }
  }

  /** A run of up to `max` chunks to request; `mine` are chunks this worker already has in flight. */
  claim (max: number, mine: Set<number>): { first: number, count: number } | undefined {
    const first = this.nextPending()
    if (first < this.total) return this.runFrom(first, max, i => this.pending(i))
    // the end game: nothing pending, so duplicate what is still in flight elsewhere
    const duplicable = (i: number): boolean => !this.done[i] && this.claims[i] < MAX_CLAIMS && !mine.has(i)
    for (let i = 0; i < this.total; i++) {
      if (duplicable(i)) return this.runFrom(i, max, duplicable)
    }
    return undefined
  }

  release (first: number, count: number): void {
    for (let i = first; i < first + count; i++) if (this.claims[i] > 0) this.claims[i]--
    // released chunks may be pending again
    this.firstPending = Math.min(this.firstPending, first)
  }

  get hasPending (): boolean { return this.nextPending() < this.total }

  get complete (): boolean { return this.doneCount === this.total }
}

interface PartState { version: 1, id: string, size: number }

export class DiskWriteError extends Error {
  override name = 'DiskWriteError'
}

/**
 * Writes verified chunks at their offsets without making the network wait for each write, while
 * bounding how much may be waiting. A failed write (disk full, read-only) fails the download.
 */
class ChunkWriter {
  private pendingBytes = 0
  private readonly writes = new Set<Promise<void>>()
  error?: DiskWriteError

  constructor (private readonly file: FileHandle, private readonly path: string) {}

  /** `onWritten` runs once the bytes are in the file, where a killed process cannot lose them. */
  write (data: Uint8Array, position: number, onWritten: () => void): void {
    if (this.error != null) return
    this.pendingBytes += data.byteLength
    const write: Promise<void> = this.file.write(data, 0, data.byteLength, position).then(onWritten, (err: Error) => {
      this.error ??= new DiskWriteError(`cannot write ${this.path}: ${err.message}`)
    }).finally(() => {
      this.pendingBytes -= data.byteLength
      this.writes.delete(write)
    })
    this.writes.add(write)
  }

  /** Waits while too much is waiting for the disk. */
  async room (): Promise<void> {
    while (this.pendingBytes > MAX_PENDING_WRITE_BYTES && this.writes.size > 0) await Promise.race(this.writes)
    if (this.error != null) throw this.error
  }

  async flush (): Promise<void> {
    await Promise.all(this.writes)
    if (this.error != null) throw this.error
  }
}

function manifestRequest (id: CID): FetchRequest {
  return { type: FetchRequest.Type.MANIFEST, bookId: id.bytes as Uint8Array<ArrayBuffer>, firstChunk: 0, chunkCount: 0 }
}

export class Download {
  private readonly stallTimeoutMs: number
  private readonly failures = new Map<string, string>()
  private readonly queued = new Map<string, number>()
  private readonly finished = new AbortController()
  private active = 0
  private bytesDone = 0
  private bytesFetched = 0
  private resumedBytes = 0
  private readonly startedAt = Date.now()
  private manifest?: Manifest
  private fileName = ''

  constructor (private readonly components: DownloaderComponents, private readonly options: DownloadOptions, private readonly log: Logger) {
    this.stallTimeoutMs = options.stallTimeoutMs ?? 20_000
  }

  private signalFor (): AbortSignal {
    const signals = [AbortSignal.timeout(this.stallTimeoutMs), this.finished.signal]
    if (this.options.signal != null) signals.push(this.options.signal)
    return AbortSignal.any(signals)
  }

  private async openChannel (provider: ProviderInfo): Promise<FetchChannel> {
    const peerId = peerIdFromString(provider.peerId)
    if (provider.multiaddrs.length > 0) {
      await this.components.peerStore.merge(peerId, { multiaddrs: provider.multiaddrs.map(a => multiaddr(a)) })
    }
    const stream = await this.components.connectionManager.openStream(peerId, FETCH_PROTOCOL, {
      signal: AbortSignal.any([this.signalFor(), AbortSignal.timeout(10_000)]),
      runOnLimitedConnection: false
    })
    // pipelined chunk replies (PIPELINE_DEPTH x CHUNKS_PER_REQUEST chunks) may wait a moment to be read
    return new RequestChannel(stream, FETCH, { highWaterBytes: 16 * 1024 * 1024 })
  }

  private fail (provider: ProviderInfo, err: unknown): void {
    const e = normaliseError(err)
    // our own disk failing is not the provider's fault
    if (e instanceof FinishedError || e instanceof DiskWriteError || this.finished.signal.aborted) return
    this.failures.set(provider.peerId, e.message)
    if (e instanceof BadDataError) this.options.badPeers?.add(provider.peerId, e.message)
    this.log('provider %s dropped: %s', provider.peerId, e.message)
  }

  /** The first provider whose manifest hashes to the book ID wins; its channel is kept for chunks. */
  private async fetchManifest (providers: ProviderInfo[]): Promise<{ manifest: Manifest, provider: ProviderInfo, channel: FetchChannel } | undefined> {
    for (const provider of providers) {
      let channel: FetchChannel | undefined
      try {
        channel = await this.openChannel(provider)
        const reply = await channel.request(manifestRequest(this.options.id), this.signalFor())
        const manifest = { size: Number(reply.size), chunkSize: reply.chunkSize, chunkHashes: reply.chunkHashes }
        try {
          verifyManifest(this.options.id, manifest)
        } catch (err) {
          throw new BadDataError(`sent a manifest that does not match the book ID (${(err as Error).message})`)
        }
        return { manifest, provider, channel }
      } catch (err) {
        channel?.abort(normaliseError(err))
        this.fail(provider, err)
        this.options.signal?.throwIfAborted()
      }
    }
    return undefined
  }

  private report (plan: ChunkPlan): void {
    if (this.manifest == null) return
    const elapsed = (Date.now() - this.startedAt) / 1000
    this.options.onProgress?.({
      id: this.options.id.toString(),
      fileName: this.fileName,
      bytesDone: this.bytesDone,
      totalBytes: this.manifest.size,
      chunksDone: plan.doneCount,
      chunksTotal: plan.total,
      resumedBytes: this.resumedBytes,
      bytesFetched: this.bytesFetched,
      activeProviders: this.active,
      queued: [...this.queued].map(([peerId, position]) => ({ peerId, position })),
      bytesPerSecond: elapsed > 0 ? (this.bytesDone - this.resumedBytes) / elapsed : 0
    })
  }

  /** Reads the reply to a CHUNKS request, passing through QUEUED notices; queued chunks are given back. */
  private async awaitGrant (provider: ProviderInfo, channel: FetchChannel, plan: ChunkPlan, inflight: Array<{ first: number, count: number, released: boolean }>): Promise<void> {
    let reply = await channel.receive(this.signalFor())
    while (reply.status === Status.QUEUED) {
      if (!this.queued.has(provider.peerId)) {
        // while we wait in this provider's queue, others may fetch what we asked it for
        for (const b of inflight) if (!b.released) { plan.release(b.first, b.count); b.released = true }
      }
      this.queued.set(provider.peerId, reply.queuePosition)
      this.report(plan)
      reply = await channel.receive(this.signalFor())
    }
    if (this.queued.delete(provider.peerId)) this.report(plan)
  }

  /** Pulls chunks from one provider until nothing is left to claim or the provider fails. */
  private async work (provider: ProviderInfo, channel: FetchChannel, plan: ChunkPlan, writer: ChunkWriter): Promise<void> {
    const manifest = this.manifest as Manifest
    const inflight: Array<{ first: number, count: number, released: boolean, sentAt: number }> = []
    const mine = new Set<number>()
    this.active++
    this.report(plan)
    try {
      while (!plan.complete) {
        while (inflight.length < PIPELINE_DEPTH) {
          const batch = plan.claim(CHUNKS_PER_REQUEST, mine)
          if (batch == null) break
          let bytes = 0
          for (let i = batch.first; i < batch.first + batch.count; i++) { mine.add(i); bytes += chunkLength(manifest, i) }
          inflight.push({ ...batch, released: false, sentAt: Date.now() })
          await this.options.budget?.take('download', bytes, this.signalFor())
          await channel.send({ type: FetchRequest.Type.CHUNKS, bookId: this.options.id.bytes as Uint8Array<ArrayBuffer>, firstChunk: batch.first, chunkCount: batch.count }, this.signalFor())
        }
        const batch = inflight[0]
        if (batch == null) break
        await this.awaitGrant(provider, channel, plan, inflight)
        let received = 0
        for (let index = batch.first; index < batch.first + batch.count; index++) {
          const data = (await channel.receiveFrame(this.signalFor())).subarray()
          this.bytesFetched += data.byteLength
          received += data.byteLength
          if (!chunkMatches(manifest, index, data)) throw new BadDataError(`sent chunk ${index} that fails verification`)
          // done means verified; run() flushes every write before the file is published
          if (plan.markDone(index)) {
            // progress counts written bytes only, so what a user saw reported survives a kill
            writer.write(data, index * manifest.chunkSize, () => {
              this.bytesDone += data.byteLength
              this.report(plan)
            })
          }
          mine.delete(index)
          await writer.room()
        }
        this.options.stats?.recordTransfer(provider.peerId, received, Date.now() - batch.sentAt)
        if (!batch.released) plan.release(batch.first, batch.count)
        inflight.shift()
        if (inflight[0] != null) inflight[0].sentAt = Date.now()
      }
      await channel.close()
    } catch (err) {
      for (const b of inflight) if (!b.released) plan.release(b.first, b.count)
      channel.abort(normaliseError(err))
      this.fail(provider, err)
    } finally {
      this.queued.delete(provider.peerId)
      this.active--
    }
  }

  /** Opens (or resumes) the part file; chunks already on disk are verified and kept. */
  private async openPart (plan: ChunkPlan, manifest: Manifest): Promise<{ file: FileHandle, partPath: string, statePath: string }> {
    const { outDir, id } = this.options
    await mkdir(outDir, { recursive: true })
    let base = join(outDir, this.fileName)
    const readState = async (path: string): Promise<PartState | undefined> => {
      try { return JSON.parse(await readFile(path, 'utf8')) as PartState } catch { return undefined }
    }
    let state = await readState(`${base}.arkstate`)
    if (state != null && state.id !== id.toString()) {
      // another book's partial download has this name: keep ours apart
      base = join(outDir, `${this.fileName}.${id.toString().slice(-12)}`)
      state = await readState(`${base}.arkstate`)
    }
    const partPath = `${base}.arkpart`
    const statePath = `${base}.arkstate`
    if (state == null) {
      // the state file is written first, so a part file is never left without its book ID
      const temp = `${statePath}.tmp`
      await writeFile(temp, JSON.stringify({ version: 1, id: id.toString(), size: manifest.size } satisfies PartState))
      await rename(temp, statePath)
    }
    let file: FileHandle
    try {
      file = await open(partPath, 'r+')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      file = await open(partPath, 'w+')
    }
    if (state != null) {
      const buffer = Buffer.allocUnsafe(manifest.chunkSize)
      const { size } = await file.stat()
      for (let i = 0; i < plan.total; i++) {
        const length = chunkLength(manifest, i)
        if (i * manifest.chunkSize + length > size) break
        const { bytesRead } = await file.read(buffer, 0, length, i * manifest.chunkSize)
        if (bytesRead === length && chunkMatches(manifest, i, buffer.subarray(0, length))) {
          plan.markDone(i)
          this.resumedBytes += length
        }
      }
      this.bytesDone = this.resumedBytes
      if (this.resumedBytes > 0) this.log('resuming %s with %d verified bytes on disk', this.fileName, this.resumedBytes)
    }
    return { file, partPath, statePath }
  }

  async run (): Promise<DownloadResult> {
    const { id, outDir } = this.options
    const self = this.components.peerId.toString()
    const usable = (p: ProviderInfo): boolean => p.peerId !== self && this.options.badPeers?.has(p.peerId) !== true
    const providers = this.options.providers.filter(usable)
    if (providers.length === 0) throw new DownloadError(`no provider is online for ${id.toString()}`)

    const first = await this.fetchManifest(providers)
    if (first == null) throw this.allFailed(providers.length)
    const manifest = this.manifest = first.manifest
    const format = (this.options.book?.format ?? '').replace(/[^a-z0-9]/gi, '')
    this.fileName = safeFileName(this.options.book?.fileName ?? '', `${id.toString()}${format !== '' ? `.${format}` : ''}`)

    const plan = new ChunkPlan(chunkCount(manifest.size, manifest.chunkSize))
    const { file, partPath, statePath } = await this.openPart(plan, manifest)
    const writer = new ChunkWriter(file, partPath)
    let published: string | undefined
    let refreshTimer: NodeJS.Timeout | undefined
    const workers = new Set<Promise<void>>()
    const used = new Set<string>()
    try {
      this.report(plan)
      const seen = new Set(providers.map(p => p.peerId))
      const queue = providers.filter(p => p.peerId !== first.provider.peerId)
      const maxProviders = this.options.maxProviders ?? 8
      let wake: () => void = () => {}

      const startWorker = (provider: ProviderInfo, channel?: FetchChannel): void => {
        used.add(provider.peerId)
        const task = (async () => {
          try {
            await this.work(provider, channel ?? await this.openChannel(provider), plan, writer)
          } catch (err) {
            this.fail(provider, err)
          }
        })().finally(() => {
          workers.delete(task)
          // a provider that ran out of work is still good for chunks another one gives back
          if (!this.failures.has(provider.peerId) && !plan.complete) idle.push(provider)
        })
        workers.add(task)
      }
      const idle: ProviderInfo[] = []
      const fill = (): void => {
        while (workers.size < maxProviders && !plan.complete) {
          const next = queue.shift() ?? (plan.hasPending ? idle.shift() : undefined)
          if (next == null) break
          startWorker(next)
        }
      }

      if (!plan.complete) startWorker(first.provider, first.channel)
      else await first.channel.close()
      if (plan.total - plan.doneCount > CHUNKS_PER_REQUEST) fill()

      if (this.options.refreshProviders != null) {
        refreshTimer = setInterval(() => {
          this.options.refreshProviders?.().then((fresh) => {
            for (const p of fresh) {
              if (!seen.has(p.peerId) && usable(p)) { seen.add(p.peerId); queue.push(p) }
            }
            wake()
          }, () => {})
        }, this.options.refreshIntervalMs ?? 30_000)
        refreshTimer.unref()
      }

      while (!plan.complete) {
        this.options.signal?.throwIfAborted()
        if (writer.error != null) throw writer.error
        fill()
        if (workers.size === 0) throw writer.error ?? this.allFailed(seen.size)
        await Promise.race([...workers, new Promise<void>(resolve => { wake = resolve })])
      }
      // done: stop providers still working on duplicate end-game requests
      this.finished.abort(new FinishedError('download complete'))
      await Promise.all(workers)
      await writer.flush()
      // a part file left by an older attempt may be longer than the book
      await file.truncate(manifest.size)
      await file.sync()
      await file.close()
      published = await publishFile(partPath, outDir, this.fileName)
      await unlink(statePath).catch(() => {})
      return {
        id: id.toString(),
        path: published,
        bytes: manifest.size,
        manifest,
        resumedBytes: this.resumedBytes,
        bytesFetched: this.bytesFetched,
        providersUsed: [...used],
        providersFailed: [...this.failures].map(([peerId, reason]) => ({ peerId, reason }))
      }
    } finally {
      clearInterval(refreshTimer)
      if (published == null) {
        this.finished.abort(new FinishedError('download stopped'))
        await Promise.all(workers)
        await writer.flush().catch(() => {})
        await file.close().catch(() => {})
        // verified chunks are kept for a later resume; a part with nothing verified is removed
        if (plan.doneCount === 0) {
          await unlink(partPath).catch(() => {})
          await unlink(statePath).catch(() => {})
        }
      }
    }
  }

  private allFailed (count: number): DownloadError {
    const reasons = [...this.failures].map(([peer, why]) => `${peer.slice(-8)}: ${why}`).join('; ')
    return new DownloadError(`all ${count} provider(s) failed${reasons === '' ? '' : ` (${reasons})`}`)
  }
}
