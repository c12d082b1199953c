// The providers one download has dropped, and why; liars are also reported to the peer's BadPeers.
import { normaliseError } from '../../wire/errors.js'
import { BadDataError, DiskWriteError, DownloadError, FinishedError } from './errors.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { Logger } from '@libp2p/interface'

/** Peers caught sending bad data, skipped for a while by later downloads too. */
export interface BadPeers {
  has: (peerId: string) => boolean
  add: (peerId: string, reason: string) => void
}

export class ProviderFailures {
  private readonly reasons = new Map<string, string>()

  /** `finished` aborts once the download is over: what fails after that is nobody's fault. */
  constructor (private readonly finished: AbortSignal, private readonly log: Logger, private readonly badPeers?: BadPeers) {}

  record (provider: ProviderInfo, err: unknown): void {
    const e = normaliseError(err)
    // our own disk failing is not the provider's fault
    if (e instanceof FinishedError || e instanceof DiskWriteError || this.finished.aborted) return
    this.reasons.set(provider.peerId, e.message)
    if (e instanceof BadDataError) this.badPeers?.add(provider.peerId, e.message)
    this.log('provider %s dropped: %s', provider.peerId, e.message)
  }

  has (peerId: string): boolean {
    return this.reasons.has(peerId)
  }

  list (): Array<{ peerId: string, reason: string }> {
    return [...this.reasons].map(([peerId, reason]) => ({ peerId, reason }))
  }

  /** The download's error once every one of `count` providers has failed. */
  allFailed (count: number): DownloadError {
    const reasons = [...this.reasons].map(([peer, why]) => `${peer.slice(-8)}: ${why}`).join('; ')
    return new DownloadError(`all ${count} provider(s) failed${reasons === '' ? '' : ` (${reasons})`}`)
  }
}
