// What an index's event streams carry: its status every 2 s (counts only).
import { STATUS_EVENT_MS } from '../constants.js'
import { indexStatus } from '../api/index-routes.js'
import { ChangeSampler } from './throttle.js'
import type { EventHub } from './event-hub.js'
import type { IndexNode } from '../../node/create-node.js'
import type { Startable } from '@libp2p/interface'

export class IndexEvents implements Startable {
  private readonly status: ChangeSampler<Record<string, unknown>>

  constructor (private readonly node: IndexNode, hub: EventHub) {
    this.status = new ChangeSampler(STATUS_EVENT_MS, () => indexStatus(node), (status) => { hub.broadcast('status', status) }, () => hub.size > 0)
  }

  snapshot (): Record<string, unknown> {
    return { status: indexStatus(this.node) }
  }

  start (): void { this.status.start() }
  stop (): void { this.status.stop() }
}
