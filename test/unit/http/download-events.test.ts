// What event streams hear of downloads, with the list's events made by hand: one summary per
// download per 250 ms whatever the rate of progress reports, read when sent (the latest state),
// the end at once, removals, and the detail only for a stream that watches that download.
import assert from 'node:assert/strict'
import { TypedEventEmitter } from 'main-event'
import { DownloadEvents } from '../../../src/http/events/download-events.js'
import type { EventClient, EventHub } from '../../../src/http/events/event-hub.js'
import type { Arkshare, ArkshareEvents, DownloadDetail, DownloadInfo, DownloadProgress } from '../../../src/peer/index.js'

const ID = 'baga3n2ibciqfuvrholohdbmpq3dpgizkystatbdwnhicja3odoutx2kmjbg23yi'
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** The download list as far as the events read it: one download whose bytes the test moves. */
function service (): { arkshare: Arkshare, events: TypedEventEmitter<ArkshareEvents>, state: { bytesDone: number, state: string, listed: boolean } } {
  const state = { bytesDone: 0, state: 'active', listed: true }
  const events = new TypedEventEmitter<ArkshareEvents>()
  const info = (id: string): DownloadInfo => {
    if (!state.listed || id !== ID) throw Object.assign(new Error(`no download of ${id}`), { name: 'NotFoundError' })
    return { id, state: state.state, bytesDone: state.bytesDone } as unknown as DownloadInfo
  }
  const downloads = {
    info,
    list: () => state.listed ? [info(ID)] : [],
    detail: (id: string): DownloadDetail => ({ ...info(id), providers: [], chunkMap: { providers: ['p'], owners: new Uint8Array([1, 0]) } })
  }
  const arkshare = Object.assign(events, { downloads }) as unknown as Arkshare
  return { arkshare, events, state }
}

function hubOf (watching: string[]): { hub: EventHub, sent: Array<{ event: string, data: any, to: string[] }> } {
  const clients: EventClient[] = watching.map(id => ({ options: new URLSearchParams(id === '' ? '' : `download=${id}`), send: () => {} }))
  const sent: Array<{ event: string, data: any, to: string[] }> = []
  const hub = {
    broadcast: (event: string, data: unknown, wants?: (c: EventClient) => boolean) => {
      sent.push({ event, data, to: clients.filter(c => wants == null || wants(c)).map(c => c.options.get('download') ?? '') })
    },
    some: (wants: (c: EventClient) => boolean) => clients.some(wants)
  } as unknown as EventHub
  return { hub, sent }
}

const progress = (): CustomEvent<DownloadProgress> => new CustomEvent('download:progress', { detail: { id: ID } as unknown as DownloadProgress })

describe('http download events', () => {
  it('sends a summary at most every 250 ms per download, the latest, and the end at once', async () => {
    const { arkshare, events, state } = service()
    const { hub, sent } = hubOf([''])
    const dl = new DownloadEvents(arkshare, hub)
    dl.start()
    try {
      for (let i = 1; i <= 100; i++) {
        state.bytesDone = i
        events.dispatchEvent(progress())
      }
      assert.deepEqual(sent.map(e => [e.event, e.data.bytesDone]), [['download', 1]])
      await sleep(300)
      assert.deepEqual(sent.map(e => [e.event, e.data.bytesDone]), [['download', 1], ['download', 100]], 'the latest after the interval')
      assert.equal(sent.filter(e => e.event === 'download:detail').length, 0, 'nobody watches it')
      state.bytesDone = 200
      events.dispatchEvent(progress())
      state.state = 'done'
      events.dispatchEvent(new CustomEvent('download:change', { detail: { id: ID } as unknown as DownloadInfo }))
      events.dispatchEvent(new CustomEvent('download:done', { detail: { id: ID, manifest: { chunkHashes: new Uint8Array(32) }, bytes: 200 } as any }))
      assert.deepEqual(sent.slice(2).map(e => [e.event, e.data.state, e.data.manifest]), [['download', 'done', undefined], ['download:done', undefined, undefined]], 'held back state first, then the end, without the manifest')
      state.listed = false
      events.dispatchEvent(progress())
      events.dispatchEvent(new CustomEvent('download:removed', { detail: { id: ID } }))
      await sleep(300)
      assert.deepEqual(sent.slice(4).map(e => [e.event, e.data]), [['download:removed', { id: ID }]], 'nothing held back goes out for a removed download')
    } finally {
      dl.stop()
    }
  })

  it('sends the detail, chunk map packed, only to streams that watch the download', async () => {
    const { arkshare, events } = service()
    const { hub, sent } = hubOf(['', ID, 'baga3n2ibciqother'])
    const dl = new DownloadEvents(arkshare, hub)
    dl.start()
    try {
      events.dispatchEvent(progress())
      const detail = sent.find(e => e.event === 'download:detail')
      assert.deepEqual(detail?.to, [ID])
      assert.deepEqual(detail?.data.chunkMap, { providers: ['p'], owners: Buffer.from([1, 0]).toString('base64'), fromDisk: 255, others: 254 })
      const summary = sent.find(e => e.event === 'download')
      assert.deepEqual(summary?.to, ['', ID, 'baga3n2ibciqother'])
      assert.equal(summary?.data.chunkMap, undefined)
      const snapshot = dl.snapshot({ options: new URLSearchParams(`download=${ID}`), send: () => {} })
      assert.equal((snapshot.download as any).id, ID)
      assert.throws(() => dl.snapshot({ options: new URLSearchParams('download=../../etc/passwd'), send: () => {} }), (err: any) => err.status === 400 && err.field === 'download')
    } finally {
      dl.stop()
    }
  })
})
