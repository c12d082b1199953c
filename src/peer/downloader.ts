// Downloads one book from the peers that provide it: the manifest is checked against the book ID,
// every chunk against the manifest, before a byte is written. Chunks are pulled from several
// providers at once; a provider that fails or lies is dropped and its chunks go to the others.
// Data goes to "<name>.arkpart" and takes its final name only once complete and verified.
import { open, unlink, mkdir, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { chunkCount, chunkLength, chunkMatches, verifyManifest, type Manifest } from '../content/book-id.js'
import { FetchRequest, FetchResponse } from '../wire/arkshare.pb.js'
import { normaliseError } from '../wire/errors.js'
import { FETCH_PROTOCOL, LIMITS } from '../wire/protocols.js'
import { RequestChannel } from '../wire/request-channel.js'
import { publishFile, safeFileName } from './download-target.js'
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
  activeProviders: number
  bytesPerSecond: number
}

export interface DownloadResult {
  id: string
  path: string
  bytes: number
  manifest: Manifest
  providersUsed: string[]
  /** Providers dropped during this download, with the reason (bad data, stalled, unreachable). */
  providersFailed: Array<{ peerId: string, reason: string }>
}

export interface DownloadOptions {
  id: CID
  /** Metadata from the index, used for the file name (untrusted, sanitised). */
  book?: BookRecord
  providers: ProviderInfo[]
  outDir: string
  signal?: AbortSignal
  onProgress?: (progress: DownloadProgress) => void
  /** Providers pulled from at once (default 4). */
  maxProviders?: number
  /** How long one reply may take before the provider counts as stalled (default 30 s). */
  stallTimeoutMs?: number
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
const CHUNKS_PER_REQUEST = 4
const PIPELINE_DEPTH = 2

type FetchChannel = RequestChannel<FetchRequest, FetchResponse>

class BadDataError extends Error {
  override name = 'BadDataError'
}

/** Which chunks still need fetching; workers claim contiguous runs, and give back what they fail. */
class ChunkPlan {
  private readonly pending: boolean[]
  private pendingCount: number
  done = 0

  constructor (readonly total: number) {
    this.pending = new Array<boolean>(total).fill(true)
    this.pendingCount = total
  }

  claim (max: number): { first: number, count: number } | undefined {
    const first = this.pending.indexOf(true)
    if (first < 0) return undefined
    let count = 0
    while (count < max && first + count < this.total && this.pending[first + count]) {
      this.pending[first + count] = false
      count++
    }
    this.pendingCount -= count
    return { first, count }
  }

  release (first: number, count: number): void {
    for (let i = first; i < first + count; i++) {
      if (!this.pending[i]) { this.pending[i] = true; this.pendingCount++ }
    }
  }

  get hasPending (): boolean { return this.pendingCount > 0 }
  get complete (): boolean { return this.done === this.total }
}

function emptyRequest (id: CID): FetchRequest {
  return { type: FetchRequest.Type.MANIFEST, bookId: id.bytes as Uint8Array<ArrayBuffer>, firstChunk: 0, chunkCount: 0 }
}

export class Download {
  private readonly log: Logger
  private readonly stallTimeoutMs: number
  private readonly failures = new Map<string, string>()
  private active = 0
  private bytesDone = 0
  private readonly startedAt = Date.now()

  constructor (private readonly components: DownloaderComponents, private readonly options: DownloadOptions, log: Logger) {
    this.log = log
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000
  }

  private signalFor (): AbortSignal {
    const timeout = AbortSignal.timeout(this.stallTimeoutMs)
    return this.options.signal == null ? timeout : AbortSignal.any([this.options.signal, timeout])
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
    return new RequestChannel(stream, {
      request: FetchRequest,
      response: FetchResponse,
      maxResponseBytes: LIMITS.fetch.maxResponseBytes
    })
  }

  private fail (provider: ProviderInfo, err: unknown): void {
    const e = normaliseError(err)
    this.failures.set(provider.peerId, e.message)
    this.log('provider %s dropped: %s', provider.peerId, e.message)
  }

  /** The first provider whose manifest hashes to the book ID wins; its channel is kept for chunks. */
  private async fetchManifest (providers: ProviderInfo[]): Promise<{ manifest: Manifest, provider: ProviderInfo, channel: FetchChannel } | undefined> {
    for (const provider of providers) {
      let channel: FetchChannel | undefined
      try {
        channel = await this.openChannel(provider)
        const reply = await channel.request(emptyRequest(this.options.id), this.signalFor())
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
      }
    }
    return undefined
  }

  private report (manifest: Manifest, plan: ChunkPlan, fileName: string): void {
    const elapsed = (Date.now() - this.startedAt) / 1000
    this.options.onProgress?.({
      id: this.options.id.toString(),
      fileName,
      bytesDone: this.bytesDone,
      totalBytes: manifest.size,
      chunksDone: plan.done,
      chunksTotal: plan.total,
      activeProviders: this.active,
      bytesPerSecond: elapsed > 0 ? this.bytesDone / elapsed : 0
    })
  }

  /** Pulls chunks from one provider until none are left to claim or the provider fails. */
  private async work (provider: ProviderInfo, channel: FetchChannel, manifest: Manifest, plan: ChunkPlan, file: FileHandle, fileName: string): Promise<void> {
    const inflight: Array<{ first: number, count: number }> = []
    this.active++
    try {
      while (true) {
        while (inflight.length < PIPELINE_DEPTH) {
          const batch = plan.claim(CHUNKS_PER_REQUEST)
          if (batch == null) break
          inflight.push(batch)
          await channel.send({ type: FetchRequest.Type.CHUNKS, bookId: this.options.id.bytes as Uint8Array<ArrayBuffer>, firstChunk: batch.first, chunkCount: batch.count }, this.signalFor())
        }
        const batch = inflight[0]
        if (batch == null) break
        await channel.receive(this.signalFor())
        while (batch.count > 0) {
          const index = batch.first
          const data = (await channel.receiveFrame(this.signalFor())).subarray()
          if (!chunkMatches(manifest, index, data)) throw new BadDataError(`sent a chunk ${index} that fails verification`)
          await file.write(data, 0, data.byteLength, index * manifest.chunkSize)
          batch.first++
          batch.count--
          plan.done++
          this.bytesDone += data.byteLength
          this.report(manifest, plan, fileName)
        }
        inflight.shift()
      }
      await channel.close()
    } catch (err) {
      for (const b of inflight) plan.release(b.first, b.count)
      channel.abort(normaliseError(err))
      this.fail(provider, err)
    } finally {
      this.active--
    }
  }

  async run (): Promise<DownloadResult> {
    const { id, outDir } = this.options
    const self = this.components.peerId.toString()
    const providers = this.options.providers.filter(p => p.peerId !== self)
    if (providers.length === 0) throw new DownloadError(`no provider is online for ${id.toString()}`)

    const first = await this.fetchManifest(providers)
    if (first == null) throw this.allFailed(providers.length)
    const { manifest } = first
    const fallback = `${id.toString()}${this.options.book?.format != null && this.options.book.format !== '' ? `.${this.options.book.format.replace(/[^a-z0-9]/gi, '')}` : ''}`
    const fileName = safeFileName(this.options.book?.fileName ?? '', fallback)

    await mkdir(outDir, { recursive: true })
    const partPath = join(outDir, `${fileName}.arkpart`)
    const file = await open(partPath, 'w+')
    let published: string | undefined
    try {
      const plan = new ChunkPlan(chunkCount(manifest.size, manifest.chunkSize))
      this.report(manifest, plan, fileName)
      const used = new Set<string>()
      const queue = providers.filter(p => p.peerId !== first.provider.peerId)
      const workers = new Set<Promise<void>>()
      const startWorker = (provider: ProviderInfo, channel: FetchChannel): void => {
        used.add(provider.peerId)
        const w = this.work(provider, channel, manifest, plan, file, fileName).finally(() => {
          workers.delete(w)
          // a provider that ran out of work is still good for chunks another one gives back
          if (!this.failures.has(provider.peerId)) queue.push(provider)
        })
        workers.add(w)
      }
      startWorker(first.provider, first.channel)
      const maxProviders = this.options.maxProviders ?? 4
      const connectNext = async (): Promise<void> => {
        while (queue.length > 0 && workers.size < maxProviders && plan.hasPending) {
          const provider = queue.shift() as ProviderInfo
          try {
            startWorker(provider, await this.openChannel(provider))
          } catch (err) {
            this.fail(provider, err)
          }
        }
      }
      if (plan.total > CHUNKS_PER_REQUEST) await connectNext()
      while (!plan.complete) {
        this.options.signal?.throwIfAborted()
        if (workers.size === 0) {
          await connectNext()
          if (workers.size === 0) throw this.allFailed(providers.length)
        }
        await Promise.race(workers)
        if (plan.hasPending) await connectNext()
      }
      await Promise.all(workers)
      await file.sync()
      await file.close()
      published = await publishFile(partPath, outDir, fileName)
      return {
        id: id.toString(),
        path: published,
        bytes: manifest.size,
        manifest,
        providersUsed: [...used],
        providersFailed: [...this.failures].map(([peerId, reason]) => ({ peerId, reason }))
      }
    } finally {
      if (published == null) {
        await file.close().catch(() => {})
        await unlink(partPath).catch(() => {})
      }
    }
  }

  private allFailed (count: number): DownloadError {
    const reasons = [...this.failures].map(([peer, why]) => `${peer.slice(-8)}: ${why}`).join('; ')
    return new DownloadError(`all ${count} provider(s) failed${reasons === '' ? '' : ` (${reasons})`}`)
  }
}
