// The serving side of a peer: the shelf of shared books (with its hash cache) and the fetch server
// that hands them out, registered for /arkshare/fetch while the service runs (direct connections
// only), and for /arkshare/fetch-relayed (relayed connections only, small books only). Other parts see the
// shelf through it (SharedBooks): its books, and its change events, passed on.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { TypedEventEmitter } from 'main-event'
import { FETCH_PROTOCOL, FETCH_RELAYED_PROTOCOL } from '../../wire/protocols.js'
import { StreamBudget } from '../../limits/stream-budget.js'
import { BandwidthBudget } from '../../limits/token-bucket.js'
import { UploadSlots } from '../../limits/upload-slots.js'
import { MAX_INBOUND_STREAMS_PER_CONNECTION, MAX_OPEN_STREAMS, MAX_OPEN_STREAMS_PER_ADDRESS, MAX_OUTBOUND_STREAMS_PER_CONNECTION, MAX_RELAYED_FETCH_STREAMS, UPLOAD_SLOTS } from '../constants.js'
import { relayedBookLimit } from '../reachability/relay-fallback.js'
import { handleFetchStream, refuseFetchStream, type FetchServerOptions } from './fetch-server.js'
import { HashCache } from './hash-cache.js'
import { UploadMeter, type UploadPeer } from './upload-meter.js'
import { Shelf, type SharedBooks, type ShelfEntry, type ShelfEvents } from './shelf.js'
import type { PreviousListing } from './previous-listing.js'
import type { ArkshareInit } from '../index.js'
import type { Manifest } from '../../content/book-id.js'
import type { Logger, Startable } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'

export interface ServingInit extends Pick<ArkshareInit, 'share' | 'downloads' | 'dataDir' | 'watch' | 'rescanIntervalMs' |
'maxInboundStreams' | 'maxOpenStreams' | 'maxOpenStreamsPerAddress' | 'maxUploadBytesPerSecond' | 'maxUploadBytesPerSecondPerPeer' | 'uploadSlots'> {
  log: Logger
  /**
   * A queued downloader hears its place at least this often.
   *
   * @default QUEUE_HEARTBEAT_MS
   */
  queueHeartbeatMs?: number
}

/** What this peer uploads now: its slots, who waits for one, and who is being sent what. */
export interface UploadsStatus {
  slots: { total: number, used: number }
  queue: Array<{ peerId: string, position: number }>
  peers: UploadPeer[]
  /** Book bytes sent since start. */
  bytesSent: number
}

export class ServingSide extends TypedEventEmitter<Pick<ShelfEvents, 'change'>> implements Startable, SharedBooks {
  /** The shared folders and the downloads folder. */
  private readonly dirs: string[]
  private readonly server: Omit<FetchServerOptions, 'shelf'> & { budget: BandwidthBudget, slots: UploadSlots, meter: UploadMeter }
  private shelf?: Shelf
  private cache?: HashCache

  constructor (private readonly components: { registrar: Registrar }, private readonly init: ServingInit) {
    super()
    this.dirs = [...(init.share ?? []), ...(init.downloads != null ? [init.downloads] : [])]
    this.server = {
      log: init.log,
      budget: new BandwidthBudget({ total: init.maxUploadBytesPerSecond, perPeer: init.maxUploadBytesPerSecondPerPeer }),
      slots: new UploadSlots(init.uploadSlots ?? UPLOAD_SLOTS),
      streams: new StreamBudget({
        maxOpen: init.maxOpenStreams ?? MAX_OPEN_STREAMS,
        maxOpenPerAddress: init.maxOpenStreamsPerAddress ?? MAX_OPEN_STREAMS_PER_ADDRESS
      }),
      queueHeartbeatMs: init.queueHeartbeatMs,
      meter: new UploadMeter()
    }
  }

  /** Upload rates (bytes per second, undefined: unlimited) and slots, as they are now. */
  get uploadLimits (): { total?: number, perPeer?: number, slots: number } {
    return { ...this.server.budget.limits, slots: this.server.slots.slots }
  }

  /** New upload limits, for uploads under way too (a field left out stays; a rate set to undefined is lifted). */
  setUploadLimits (limits: { total?: number, perPeer?: number, slots?: number }): void {
    const { slots, ...rates } = limits
    this.server.budget.setLimits(rates)
    if (slots != null) this.server.slots.setSlots(slots)
  }

  /** Whether this peer shares anything: a peer with no folder to share serves and registers nothing. */
  get sharing (): boolean {
    return this.dirs.length > 0
  }

  async start (): Promise<void> {
    const { init } = this
    if (init.downloads != null) await mkdir(init.downloads, { recursive: true })
    if (!this.sharing) return
    if (init.dataDir != null) await mkdir(init.dataDir, { recursive: true })
    this.cache = new HashCache(init.dataDir != null ? join(init.dataDir, 'hash-cache.db') : ':memory:')
    const shelf = this.shelf = new Shelf({
      dirs: this.dirs,
      // the data folder holds the private key: never share it, even inside a shared folder
      exclude: init.dataDir != null ? [init.dataDir] : [],
      cache: this.cache,
      watch: init.watch,
      rescanIntervalMs: init.rescanIntervalMs
    })
    shelf.addEventListener('error', (evt) => { init.log.error('scanning the shared folders failed: %e', evt.detail) })
    shelf.addEventListener('change', (evt) => { this.safeDispatchEvent('change', { detail: evt.detail }) })
    // the books the hash cache remembers are served at once; the first scan goes on (whenScanned)
    await shelf.open()
    await this.components.registrar.handle(FETCH_PROTOCOL, async (stream, connection) => {
      await handleFetchStream(stream, connection, { ...this.server, shelf })
    }, {
      maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS_PER_CONNECTION,
      maxOutboundStreams: MAX_OUTBOUND_STREAMS_PER_CONNECTION,
      // bulk data never goes over a relayed connection
      runOnLimitedConnection: false
    })
    await this.components.registrar.handle(FETCH_RELAYED_PROTOCOL, async (stream, connection) => {
      const maxBookBytes = relayedBookLimit(connection)
      if (maxBookBytes == null) {
        // a direct connection has /arkshare/fetch, without a size limit
        await refuseFetchStream(stream, this.server.log, 'not a relayed connection: use /arkshare/fetch')
        return
      }
      await handleFetchStream(stream, connection, { ...this.server, shelf, maxBookBytes })
    }, {
      maxInboundStreams: MAX_RELAYED_FETCH_STREAMS,
      maxOutboundStreams: MAX_RELAYED_FETCH_STREAMS,
      runOnLimitedConnection: true
    })
  }

  async stop (): Promise<void> {
    if (this.shelf != null) {
      await this.components.registrar.unhandle(FETCH_PROTOCOL)
      await this.components.registrar.unhandle(FETCH_RELAYED_PROTOCOL)
      await this.shelf.stop()
    }
    this.cache?.close()
  }

  list (): ShelfEntry[] {
    return this.shelf?.list() ?? []
  }

  takePreviousListing (): PreviousListing | undefined {
    return this.shelf?.takePreviousListing()
  }

  async whenScanned (): Promise<void> {
    await this.shelf?.whenScanned()
  }

  /** The shared book with this ID, if this peer shares it. */
  find (id: string): ShelfEntry | undefined {
    return this.shelf?.get(id)
  }

  async rescan (): Promise<void> {
    await this.shelf?.rescan()
  }

  uploads (): UploadsStatus {
    const { slots, meter } = this.server
    return {
      slots: { total: slots.slots, used: slots.inUse },
      queue: slots.queue().map(({ peer, position }) => ({ peerId: peer, position })),
      peers: meter.list(),
      bytesSent: meter.bytesSent
    }
  }

  /** Lists a finished download at once instead of waiting for the watcher (its manifest is known). */
  async addFile (path: string, manifest: Manifest): Promise<void> {
    await this.shelf?.addFile(path, manifest)
  }
}
