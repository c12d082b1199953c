// What a peer's event streams carry: downloads (at most 4 reports a second each, the last always
// sent), their end, shelf changes, the network (looked at every 2 s) and uploads (every second)
// when they change.
import { DOWNLOAD_EVENT_MS, NETWORK_EVENT_MS, UPLOADS_EVENT_MS } from '../constants.js'
import { networkView, shelfSummary } from '../api/peer-views.js'
import { ChangeSampler, KeyedThrottle } from './throttle.js'
import type { EventHub } from './event-hub.js'
import type { ArkshareNode } from '../../node/create-node.js'
import type { ArkshareEvents, DownloadProgress, DownloadResult, UploadsStatus } from '../../peer/index.js'
import type { Startable } from '@libp2p/interface'

/** A finished download as events report it (its manifest, thousands of hashes, stays here). */
function doneView (result: DownloadResult): Record<string, unknown> {
  const { manifest, ...rest } = result
  return rest
}

export class PeerEvents implements Startable {
  private readonly progress: KeyedThrottle<DownloadProgress>
  private readonly network: ChangeSampler<Record<string, unknown>>
  private readonly uploads: ChangeSampler<UploadsStatus>
  private readonly listeners: { [K in 'download:progress' | 'download:done' | 'shelf:change']: (evt: ArkshareEvents[K]) => void }

  constructor (private readonly node: ArkshareNode, private readonly hub: EventHub) {
    const arkshare = node.services.arkshare
    this.progress = new KeyedThrottle(DOWNLOAD_EVENT_MS, (p) => { hub.broadcast('download', p) })
    const listening = (): boolean => hub.size > 0
    this.network = new ChangeSampler(NETWORK_EVENT_MS, () => networkView(node), (view) => { hub.broadcast('network', view) }, listening)
    this.uploads = new ChangeSampler(UPLOADS_EVENT_MS, () => arkshare.uploads(), (view) => { hub.broadcast('uploads', view) }, listening)
    this.listeners = {
      'download:progress': (evt) => { this.progress.push(evt.detail.id, evt.detail) },
      'download:done': (evt) => {
        this.progress.flush(evt.detail.id)
        hub.broadcast('download:done', doneView(evt.detail))
      },
      'shelf:change': (evt) => {
        const { added, removed } = evt.detail
        hub.broadcast('shelf', { ...shelfSummary(arkshare.list()), added, removed })
      }
    }
  }

  /** The state a new stream starts from. */
  snapshot (): Record<string, unknown> {
    const arkshare = this.node.services.arkshare
    return { shelf: shelfSummary(arkshare.list()), network: networkView(this.node), uploads: arkshare.uploads() }
  }

  start (): void {
    const arkshare = this.node.services.arkshare
    arkshare.addEventListener('download:progress', this.listeners['download:progress'])
    arkshare.addEventListener('download:done', this.listeners['download:done'])
    arkshare.addEventListener('shelf:change', this.listeners['shelf:change'])
    this.network.start()
    this.uploads.start()
  }

  stop (): void {
    const arkshare = this.node.services.arkshare
    arkshare.removeEventListener('download:progress', this.listeners['download:progress'])
    arkshare.removeEventListener('download:done', this.listeners['download:done'])
    arkshare.removeEventListener('shelf:change', this.listeners['shelf:change'])
    this.network.stop()
    this.uploads.stop()
    this.progress.clear()
  }
}
