// The uploads view over HTTP: a capped peer with one upload slot serving two downloaders at once
// shows the slot used, the other downloader queued, and who is sent what; its metrics follow; the
// event stream sends the change. Then the network view shows the peers it measured.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { bookBytes, eventually, removeDir, startIndex, startPeer, tempDir, waitForProviders, writeBook } from '../helpers.js'
import { collectEvents, webPeer, type WebNode } from '../support/http.js'
import { PEER_DEFAULTS } from '../../src/peer/index.js'
import type { ArkshareNode, IndexNode } from '../../src/node/create-node.js'

describe('HTTP uploads and network', function () {
  this.timeout(60_000)
  let dir: string
  let index: IndexNode
  let uploader: WebNode<ArkshareNode>
  /** The first downloader serves HTTP too, to show what it measured. */
  let watcher: WebNode<ArkshareNode>
  const downloaders: ArkshareNode[] = []

  before(async () => {
    dir = await tempDir()
    index = await startIndex()
    await writeBook(join(dir, 'share'), 'Leo Tolstoy - War and Peace.txt', bookBytes(5, 4 * 1024 * 1024))
    uploader = await webPeer(index, join(dir, 'uploader'), { share: [join(dir, 'share')], maxUploadBytesPerSecond: 256 * 1024, uploadSlots: 1 })
    watcher = await webPeer(index, join(dir, 'd1'))
    downloaders.push(watcher.node, await startPeer(index, { dataDir: join(dir, 'd2', 'data'), downloads: join(dir, 'd2', 'dl') }))
  })

  after(async () => {
    await watcher?.stop()
    await downloaders[1]?.stop()
    await uploader?.stop()
    await index?.stop()
    await removeDir(dir)
  })

  it('shows the slot in use, the queue with places, and the rate per peer; metrics and events follow', async () => {
    const id = await eventually(() => uploader.node.services.arkshare.list()[0]?.id)
    await waitForProviders(index, id, 1)
    const events = collectEvents(`${uploader.base}/api/v1/events`, uploader.bearer, (seen) => seen.some(e => e.event === 'uploads' && e.data.queue.length === 1))
    const halt = new AbortController()
    const gets = downloaders.map(async d => await d.services.arkshare.get(id, { signal: halt.signal }).catch(() => {}))
    try {
      const uploads = await eventually(async () => {
        const r = await (await fetch(`${uploader.base}/api/v1/uploads`, { headers: uploader.bearer })).json() as any
        return r.slots.used === 1 && r.queue.length === 1 && r.peers.some((p: any) => p.bytesPerSecond > 0) && r
      }, 20_000, 'one upload served and one queued')
      assert.equal(uploads.slots.total, 1)
      const ids = downloaders.map(d => d.peerId.toString())
      assert.ok(ids.includes(uploads.queue[0].peerId))
      assert.equal(uploads.queue[0].position, 1)
      const served = uploads.peers.find((p: any) => p.streams > 0)
      assert.ok(ids.includes(served.peerId) && served.peerId !== uploads.queue[0].peerId)
      assert.ok(served.bytesPerSecond <= 400 * 1024, `capped: ${served.bytesPerSecond as number} B/s`)
      assert.ok(uploads.bytesSent > 0)
      const metrics = await (await fetch(`${uploader.base}/metrics`)).text()
      assert.match(metrics, /^arkshare_upload_slots_used 1$/m)
      assert.match(metrics, /^arkshare_upload_queue_length 1$/m)
      const up = Number(/^arkshare_transfer_bytes_total\{direction="up"\} (\d+)$/m.exec(metrics)?.[1])
      assert.ok(up > 0)
      const seen = await events
      assert.equal(seen[0].event, 'snapshot')
      assert.ok('slots' in seen[0].data.uploads)
    } finally {
      halt.abort()
      await Promise.all(gets)
    }
  })

  it('shows the caps and slots in force', async () => {
    const limits = await (await fetch(`${uploader.base}/api/v1/limits`, { headers: uploader.bearer })).json()
    assert.deepEqual(limits, { maxUploadBytesPerSecond: 256 * 1024, maxUploadBytesPerSecondPerPeer: null, maxDownloadBytesPerSecond: null, uploadSlots: 1, maxActiveDownloads: PEER_DEFAULTS.MAX_ACTIVE_DOWNLOADS })
    const defaults = await (await fetch(`${watcher.base}/api/v1/limits`, { headers: watcher.bearer })).json()
    assert.deepEqual(defaults, { maxUploadBytesPerSecond: null, maxUploadBytesPerSecondPerPeer: null, maxDownloadBytesPerSecond: null, uploadSlots: PEER_DEFAULTS.UPLOAD_SLOTS, maxActiveDownloads: PEER_DEFAULTS.MAX_ACTIVE_DOWNLOADS })
  })

  it('shows the peers it measured in the network view', async () => {
    const network = await (await fetch(`${watcher.base}/api/v1/network`, { headers: watcher.bearer })).json() as any
    assert.deepEqual(network.badPeers, [])
    const measured = network.peers.find((p: any) => p.peerId === uploader.node.peerId.toString())
    assert.equal(typeof measured?.latencyMs, 'number', 'pinged before the download')
    assert.match(measured.measuredAt, /^\d{4}-\d\d-\d\dT/)
  })
})
