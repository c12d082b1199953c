// Pulls chunks of one book from one provider over one fetch stream: a few requests in flight at
// once, every chunk verified against the manifest before it is handed to the writer.
import { chunkLength, chunkMatches, type Manifest } from '../../content/book-id.js'
import { Status } from '../../wire/messages.js'
import { normaliseError } from '../../wire/errors.js'
import { CHUNKS_PER_REQUEST, PIPELINE_DEPTH } from './constants.js'
import { BadDataError } from './errors.js'
import { StallWatch } from '../../limits/stall-watch.js'
import { chunksRequest, type FetchChannel } from './fetch-channel.js'
import type { ChunkPlan, ChunkRun } from './chunk-plan.js'
import type { ChunkWriter } from './chunk-writer.js'
import type { ProgressMeter } from './progress.js'
import type { ProviderLedger } from './provider-ledger.js'
import type { BandwidthBudget } from '../../limits/token-bucket.js'
import type { PeerStats } from '../peer-stats.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { CID } from 'multiformats/cid'

/** What every worker of one download shares. */
export interface WorkerContext {
  id: CID
  manifest: Manifest
  plan: ChunkPlan
  writer: ChunkWriter
  progress: ProgressMeter
  /** What each provider delivered; numbers providers for the chunk map. */
  ledger: ProviderLedger
  /** How long one wait for a provider (a reply, a chunk) may take before it counts as stalled. */
  stallTimeoutMs: number
  /** Aborts when the download finishes or its caller stops it. */
  stopped: AbortSignal
  /** Download rate limit. */
  budget?: BandwidthBudget
  stats?: PeerStats
}

interface InflightRun extends ChunkRun {
  /** Given back to the plan (while queued, others may fetch it). */
  released: boolean
  /** When the provider started on it, for its transfer rate. */
  sentAt: number
}

export class ProviderWorker {
  private readonly inflight: InflightRun[] = []
  /** Chunks this worker has asked for and not yet received. */
  private readonly mine = new Set<number>()
  /** Bounds each wait for this provider; made when the worker runs. */
  private stall?: StallWatch

  constructor (private readonly provider: ProviderInfo, private readonly channel: FetchChannel, private readonly ctx: WorkerContext) {}

  /** Pulls chunks until nothing is left to claim; throws when the provider fails, with its claims given back. */
  async run (): Promise<void> {
    const { plan, progress } = this.ctx
    this.stall = new StallWatch(this.ctx.stallTimeoutMs, this.ctx.stopped)
    progress.activeProviders++
    progress.report()
    try {
      while (!plan.complete) {
        await this.fillPipeline()
        const run = this.inflight[0]
        if (run == null) break
        await this.awaitGrant()
        await this.receive(run)
        if (!run.released) plan.release(run.first, run.count)
        this.inflight.shift()
        if (this.inflight[0] != null) this.inflight[0].sentAt = Date.now()
      }
      // chunks still in flight are end-game duplicates someone else delivered: tell the provider to stop
      if (this.inflight.length > 0) this.channel.abort(new Error('download complete'))
      else await this.channel.close()
    } catch (err) {
      this.releaseInflight()
      this.channel.abort(normaliseError(err))
      throw err
    } finally {
      this.stall.stop()
      progress.queued.delete(this.provider.peerId)
      progress.activeProviders--
    }
  }

  /** Requests runs of chunks until PIPELINE_DEPTH requests are in flight or nothing is left to claim. */
  private async fillPipeline (): Promise<void> {
    const { id, manifest, plan } = this.ctx
    while (this.inflight.length < PIPELINE_DEPTH) {
      const run = plan.claim(CHUNKS_PER_REQUEST, this.mine)
      if (run == null) break
      let bytes = 0
      for (let i = run.first; i < run.first + run.count; i++) { this.mine.add(i); bytes += chunkLength(manifest, i) }
      this.inflight.push({ ...run, released: false, sentAt: Date.now() })
      const budget = this.ctx.budget
      if (budget != null) await this.bounded(async s => { await budget.take('download', bytes, s) })
      await this.bounded(async s => { await this.channel.send(chunksRequest(id, run), s) })
    }
  }

  /** Bounds a wait for this provider by the stall timeout and the download's end. */
  private async bounded<T> (wait: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.stall == null) throw new Error('the worker is not running')
    return await this.stall.bound(wait)
  }

  private releaseInflight (): void {
    for (const run of this.inflight) {
      if (!run.released) { this.ctx.plan.release(run.first, run.count); run.released = true }
    }
  }

  /** Reads the reply to a CHUNKS request, passing through QUEUED notices; queued chunks are given back. */
  private async awaitGrant (): Promise<void> {
    const { progress } = this.ctx
    const peerId = this.provider.peerId
    let reply = await this.bounded(async s => await this.channel.receive(s))
    while (reply.status === Status.QUEUED) {
      // while we wait in this provider's queue, others may fetch what we asked it for
      if (!progress.queued.has(peerId)) this.releaseInflight()
      progress.queued.set(peerId, reply.queuePosition)
      progress.report()
      reply = await this.bounded(async s => await this.channel.receive(s))
    }
    if (progress.queued.delete(peerId)) progress.report()
  }

  /** Receives and verifies the chunks of one run, handing new ones to the writer. */
  private async receive (run: InflightRun): Promise<void> {
    const { manifest, plan, writer, progress } = this.ctx
    const ledger = this.ctx.ledger.entry(this.provider.peerId)
    let received = 0
    for (let index = run.first; index < run.first + run.count; index++) {
      // a payload frame holds one chunk: a longer one is refused before it is read; it is kept in
      // the pieces it arrived in, hashed and written from them, never joined (a copy per byte less)
      const data = await this.bounded(async s => await this.channel.receiveFrame(s, manifest.chunkSize))
      progress.bytesFetched += data.byteLength
      ledger.bytes += data.byteLength
      received += data.byteLength
      if (!chunkMatches(manifest, index, data)) {
        ledger.chunksRejected++
        throw new BadDataError(`sent chunk ${index} that fails verification`)
      }
      ledger.chunksVerified++
      // done means verified; the download flushes every write before the file is published
      if (plan.markDone(index, ledger.mapIndex)) {
        ledger.chunksUsed++
        writer.write(data, index * manifest.chunkSize, () => {
          progress.bytesDone += data.byteLength
          progress.report()
        })
      }
      this.mine.delete(index)
      await writer.room()
    }
    this.ctx.stats?.recordTransfer(this.provider.peerId, received, Date.now() - run.sentAt)
  }
}
