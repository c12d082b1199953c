// What a peer's event streams carry: downloads (download-events.ts), shelf changes, the limits
// when they change, the network (looked at every 2 s) and uploads (every second) when they change.
import { NETWORK_EVENT_MS, UPLOADS_EVENT_MS } from '../constants.js'
import { networkView, shelfSummary } from '../api/peer-views.js'
import { DownloadEvents } from './download-events.js'
import { ChangeSampler } from './throttle.js'
import type { EventClient, EventHub } from './event-hub.js'
import type { ArkshareNode } from '../../node/create-node.js'
import type { ArkshareEvents, UploadsStatus } from '../../peer/index.js'
import type { Startable } from '@libp2p/interface'

export class PeerEvents implements Startable {
  private readonly downloads: DownloadEvents
  private readonly network: ChangeSampler<Record<string, unknown>>
  private readonly uploads: ChangeSampler<UploadsStatus>
  private readonly onShelf: (evt: ArkshareEvents['shelf:change']) => void
  private readonly onLimits: (evt: ArkshareEvents['limits:change']) => void

  constructor (private readonly node: ArkshareNode, hub: EventHub) {
    const arkshare = node.services.arkshare
    this.downloads = new DownloadEvents(arkshare, hub)
    const listening = (): boolean => hub.size > 0
    this.network = new ChangeSampler(NETWORK_EVENT_MS, () => networkView(node), (view) => { hub.broadcast('network', view) }, listening)
    this.uploads = new ChangeSampler(UPLOADS_EVENT_MS, () => arkshare.uploads(), (view) => { hub.broadcast('uploads', view) }, listening)
    this.onShelf = (evt) => {
      const { added, removed } = evt.detail
      hub.broadcast('shelf', { ...shelfSummary(arkshare.list()), added, removed })
    }
    this.onLimits = (evt) => { hub.broadcast('limits', evt.detail) }
  }

  /** The state a new stream starts from. */
  snapshot (client: EventClient): Record<string, unknown> {
    const arkshare = this.node.services.arkshare
    return {
      shelf: shelfSummary(arkshare.list()),
      network: networkView(this.node),
      uploads: arkshare.uploads(),
      limits: arkshare.limits(),
      ...this.downloads.snapshot(client)
    }
  }

  start (): void {
    const arkshare = this.node.services.arkshare
    this.downloads.start()
    arkshare.addEventListener('shelf:change', this.onShelf)
    arkshare.addEventListener('limits:change', this.onLimits)
    this.network.start()
    this.uploads.start()
  }

  stop (): void {
    const arkshare = this.node.services.arkshare
    this.downloads.stop()
    arkshare.removeEventListener('shelf:change', this.onShelf)
    arkshare.removeEventListener('limits:change', this.onLimits)
    this.network.stop()
    this.uploads.stop()
  }
}
