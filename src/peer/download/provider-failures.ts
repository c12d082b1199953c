// The providers one download has dropped, and why (kept in its ledger); liars are also reported to
// the peer's BadPeers.
import { normaliseError } from '../../wire/errors.js'
import { BadDataError, DiskWriteError, DownloadError, FinishedError } from './errors.js'
import type { ProviderLedger } from './provider-ledger.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { Logger } from '@libp2p/interface'

/** Peers caught sending bad data, skipped for a while by later downloads too. */
export interface BadPeers {
  has: (peerId: string) => boolean
  add: (peerId: string, reason: string) => void
}

export class ProviderFailures {
  /**
   * @param stopped - aborts once the download is over or its caller stopped it: what fails after
   * that is nobody's fault
   */
  constructor (private readonly ledger: ProviderLedger, private readonly stopped: AbortSignal, private readonly log: Logger, private readonly badPeers?: BadPeers) {}

  record (provider: ProviderInfo, err: unknown): void {
    const e = normaliseError(err)
    // our own disk failing is not the provider's fault
    if (e instanceof FinishedError || e instanceof DiskWriteError || this.stopped.aborted) return
    this.ledger.dropped(provider.peerId, e)
    if (e instanceof BadDataError) this.badPeers?.add(provider.peerId, e.message)
    this.log('provider %s dropped: %s', provider.peerId, e.message)
  }

  has (peerId: string): boolean {
    return this.ledger.isDropped(peerId)
  }

  list (): Array<{ peerId: string, reason: string }> {
    return this.ledger.list().flatMap(e => e.dropped != null ? [{ peerId: e.peerId, reason: e.dropped.message }] : [])
  }

  /** The download's error once every one of `count` providers has failed. */
  allFailed (count: number): DownloadError {
    const reasons = this.list().map(({ peerId, reason }) => `${peerId.slice(-8)}: ${reason}`).join('; ')
    return new DownloadError(`all ${count} provider(s) failed${reasons === '' ? '' : ` (${reasons})`}`)
  }
}
