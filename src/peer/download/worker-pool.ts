// Runs one ProviderWorker per provider until every chunk is done: the first provider alone, then
// twice as many each time the ramp finds the downloader idle (provider-ramp.ts), at most `maxProviders`;
// before each step up the providers not yet tried are pinged until the nearest answers, so no other
// provider is dialled while the first keeps the downloader busy.
// A provider that fails is replaced at once by the next. A fast provider comes back for more
// sooner, so it gets more; once nothing is pending, providers that ran out of work return for the
// end game and duplicate what is still outstanding elsewhere.
import { ProviderRamp, type ProviderRampInit } from './provider-ramp.js'
import { ProviderWorker, type WorkerContext } from './provider-worker.js'
import type { FetchChannel } from './fetch-channel.js'
import type { ProviderFailures } from './provider-failures.js'
import type { ProviderInfo } from '../../wire/records.js'

export interface WorkerPoolInit {
  /** Providers known when the download started. */
  providers: ProviderInfo[]
  maxProviders: number
  connect: (provider: ProviderInfo) => Promise<FetchChannel>
  failures: ProviderFailures
  /** Whether a provider heard of later may be used (not ourselves, not a known liar). */
  usable: (provider: ProviderInfo) => boolean
  /** The caller's abort. */
  signal?: AbortSignal
  /** When to take in more providers. */
  ramp?: ProviderRampInit
  /** Best first, by what is known when a provider is taken in (pings may still be coming in). */
  rank?: (providers: ProviderInfo[]) => ProviderInfo[]
  /** Pings providers not pinged yet until the nearest answers: before the ramp takes in more. */
  nearest?: (providers: ProviderInfo[]) => Promise<void>
}

export class WorkerPool {
  private readonly workers = new Set<Promise<void>>()
  /** Providers a worker was started for. */
  readonly used = new Set<string>()
  private readonly seen: Set<string>
  private readonly untried: ProviderInfo[]
  /** Providers whose worker ran out of work while chunks were still outstanding. */
  private readonly idle: ProviderInfo[] = []
  private wake: () => void = () => {}
  /** Providers that may run at once: doubles whenever the ramp finds the downloader idle. */
  private admitted = 1
  /** The nearest of the untried providers is being looked for, before the next step up. */
  private growing = false

  constructor (private readonly ctx: WorkerContext, private readonly init: WorkerPoolInit) {
    this.seen = new Set(init.providers.map(p => p.peerId))
    this.untried = [...init.providers]
  }

  /** Adds providers heard of since the download started. */
  add (fresh: ProviderInfo[]): void {
    for (const p of fresh) {
      if (!this.seen.has(p.peerId) && this.init.usable(p)) { this.seen.add(p.peerId); this.untried.push(p) }
    }
    this.wake()
  }

  /**
   * Works until every chunk is done, starting with the provider that sent the manifest on the
   * channel it sent it on. Throws when the disk fails or no provider is left.
   */
  async run (first: ProviderInfo, channel: FetchChannel): Promise<void> {
    const { plan, writer } = this.ctx
    const untried = this.untried.findIndex(p => p.peerId === first.peerId)
    if (untried >= 0) this.untried.splice(untried, 1)
    if (plan.complete) await channel.close()
    else this.start(first, channel)
    const ramp = new ProviderRamp(this.init.ramp)
    ramp.start(() => { this.grow() })
    try {
      while (!plan.complete) {
        this.init.signal?.throwIfAborted()
        if (writer.error != null) throw writer.error
        this.fill()
        if (this.workers.size === 0) throw writer.error ?? this.init.failures.allFailed(this.seen.size)
        await Promise.race([...this.workers, new Promise<void>(resolve => { this.wake = resolve })])
      }
    } finally {
      ramp.stop()
    }
  }

  /**
   * Lets twice as many providers run as do (slow providers are joined within a few samples),
   * counted from those running: an idle spell while they are short of work (the end game) must not
   * let a crowd in later. The nearest untried provider is found first; the ramp's calls meanwhile
   * are dropped.
   */
  private grow (): void {
    if (this.growing) return
    this.growing = true
    const untried = [...this.untried]
    const pinged = untried.length > 0 && this.init.nearest != null ? this.init.nearest(untried) : Promise.resolve()
    const stepUp = (): void => {
      this.growing = false
      if (this.admitted <= this.workers.size) this.admitted = this.workers.size * 2
      this.wake()
    }
    // a provider that does not answer is only ranked last
    pinged.then(stepUp, stepUp)
  }

  /** Waits for every worker to end (they end soon once the download is finished or stopped). */
  async settled (): Promise<void> {
    await Promise.all(this.workers)
  }

  private fill (): void {
    const { plan } = this.ctx
    while (this.workers.size < Math.min(this.admitted, this.init.maxProviders) && !plan.complete) {
      if (this.init.rank != null && this.untried.length > 1) this.untried.splice(0, this.untried.length, ...this.init.rank(this.untried))
      const next = this.untried.shift() ?? (plan.hasPending ? this.idle.shift() : undefined)
      if (next == null) break
      this.start(next)
    }
  }

  private start (provider: ProviderInfo, channel?: FetchChannel): void {
    const { plan } = this.ctx
    this.used.add(provider.peerId)
    const task = (async () => {
      try {
        await new ProviderWorker(provider, channel ?? await this.init.connect(provider), this.ctx).run()
      } catch (err) {
        this.init.failures.record(provider, err)
        // a dropped provider is news to whoever watches the ledger
        this.ctx.progress.report()
      }
    })().finally(() => {
      this.workers.delete(task)
      // a provider that ran out of work is still good for chunks another one gives back
      if (!this.init.failures.has(provider.peerId) && !plan.complete) this.idle.push(provider)
    })
    this.workers.add(task)
  }
}
