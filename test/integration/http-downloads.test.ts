// The download list over HTTP against a real swarm on loopback: adding by ID or book link (the same
// book again answers its download), pause, resume, cancel, retry and clear with 404 and 409 where
// they belong; PATCH /limits; the events a download makes (a summary at most 4 a second, its end,
// the detail for a stream that asked); and the download series, with a lying provider for the
// rejected chunks and the dropped provider.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, eventually, indexAddr, removeDir, startIndex, startPeer, tempDir, waitForProviders, writeBook } from '../helpers.js'
import { startLiar } from './liar.js'
import { collectEvents, raw, webPeer, type WebNode } from '../support/http.js'
import type { ArkshareNode, IndexNode } from '../../src/node/create-node.js'

const CHUNK = 256 * 1024

/** The sum of a series' samples with these labels in a Prometheus scrape. */
function series (text: string, name: string, labels = ''): number {
  const line = new RegExp(`^${name}${labels !== '' ? `\\{${labels}\\}` : ''} (\\S+)$`, 'm').exec(text)
  assert.ok(line != null, `no ${name}{${labels}} in the scrape`)
  return Number(line[1])
}

describe('HTTP downloads', function () {
  this.timeout(90_000)
  let dir: string
  let index: IndexNode
  let provider: ArkshareNode
  let liar: ArkshareNode
  let me: WebNode<ArkshareNode>
  const ids: Record<'quick' | 'slow' | 'linked' | 'lied' | 'unlisted', string> = { quick: '', slow: '', linked: '', lied: '', unlisted: '' }

  before(async () => {
    dir = await tempDir()
    index = await startIndex()
    const shared = join(dir, 'provider')
    await writeBook(shared, 'Herman Melville - Moby Dick.txt', bookBytes(11, 3 * CHUNK + 1000))
    await writeBook(shared, 'Leo Tolstoy - War and Peace.txt', bookBytes(12, 8 * CHUNK))
    await writeBook(shared, 'Homer - The Odyssey.txt', bookBytes(13, 50_000))
    provider = await startPeer(index, { share: [shared], dataDir: join(dir, 'provider-data') })
    const list = await eventually(() => provider.services.arkshare.list().length === 3 && provider.services.arkshare.list(), 15_000, 'the shelf')
    const idOf = (title: string): string => list.find(b => b.title === title)?.id as string
    ids.quick = idOf('Moby Dick')
    ids.slow = idOf('War and Peace')
    ids.linked = idOf('The Odyssey')
    for (const id of [ids.quick, ids.slow]) await waitForProviders(index, id, 1)
    // a book only a liar shares: its manifest is true, its chunks are not
    const liedPath = await writeBook(join(dir, 'lied'), 'Liar - Copy.txt', bookBytes(14, 2 * CHUNK))
    const manifest = await hashFile(liedPath)
    ids.lied = bookIdOf(manifest).toString()
    liar = await startLiar(indexAddr(index), liedPath, manifest)
    await waitForProviders(index, ids.lied, 1)
    ids.unlisted = bookIdOf(await hashFile(await writeBook(join(dir, 'nobody'), 'x.txt', bookBytes(15, 1000)))).toString()
    me = await webPeer(index, join(dir, 'me'))
  })

  after(async () => {
    await me?.stop()
    await liar?.stop()
    await provider?.stop()
    await index?.stop()
    await removeDir(dir)
  })

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number, body: any }> => {
    const r = await raw(me.port, {
      method,
      path: `/api/v1${path}`,
      headers: { ...me.bearer, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined
    })
    return { status: r.status, body: r.body === '' ? undefined : JSON.parse(r.body) }
  }
  const metrics = async (): Promise<string> => await (await fetch(`${me.base}/metrics`)).text()
  const finished = async (id: string, state = 'done'): Promise<any> => await eventually(async () => {
    const d = (await call('GET', `/downloads/${id}`)).body
    return d.state === state && d
  }, 30_000, `${id} ${state}`)

  it('answers 404 for a download not listed, and 400 for what names no book', async () => {
    for (const [method, path] of [['GET', ''], ['DELETE', ''], ['POST', '/pause'], ['POST', '/resume'], ['POST', '/retry']]) {
      const r = await call(method, `/downloads/${ids.unlisted}${path}`)
      assert.equal(r.status, 404, `${method} ${path}`)
      assert.match(r.body.error, /no download of/)
    }
    const bad = await call('GET', '/downloads/..%2F..%2Fetc%2Fpasswd')
    assert.equal(bad.status, 400)
    assert.equal(bad.body.field, 'id')
    for (const [body, field] of [[{}, 'id'], [{ id: '' }, 'id'], [{ id: 42 }, 'id'], [{ id: 'not a book' }, 'id'], [{ id: ids.quick, outDir: '/etc' }, 'outDir'], [[ids.quick], 'body']] as const) {
      const r = await call('POST', '/downloads', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.equal(r.body.field, field, JSON.stringify(body))
    }
    assert.deepEqual((await call('GET', '/downloads')).body, { downloads: [] }, 'nothing was added')
  })

  it('adds a book (201), answers the same download when it is added again (200), and streams its summary, end and detail', async () => {
    const watching = collectEvents(`${me.base}/api/v1/events?download=${ids.quick}`, me.bearer, seen => seen.some(e => e.event === 'download:done'), 30_000)
    const plain = collectEvents(`${me.base}/api/v1/events`, me.bearer, seen => seen.some(e => e.event === 'download:done'), 30_000)
    await eventually(async () => series(await metrics(), 'arkshare_events_clients') === 2)
    const started = Date.now()
    const added = await call('POST', '/downloads', { id: ids.quick })
    assert.equal(added.status, 201)
    assert.equal(added.body.id, ids.quick)
    assert.ok(['queued', 'active'].includes(added.body.state))
    const again = await call('POST', '/downloads', { id: ids.quick })
    assert.equal(again.status, 200)
    assert.equal(again.body.addedAt, added.body.addedAt)
    const [seen, others] = await Promise.all([watching, plain])
    const elapsedMs = Date.now() - started

    assert.equal(seen[0].event, 'snapshot')
    assert.equal(seen[0].data.download, null, 'not listed yet when the stream opened')
    assert.deepEqual(seen[0].data.downloads, [])
    const summaries = seen.filter(e => e.event === 'download' && e.data.id === ids.quick)
    assert.ok(summaries.length >= 1)
    assert.ok(summaries.length <= Math.floor(elapsedMs / 250) + 2, `${summaries.length} summaries in ${elapsedMs} ms`)
    for (const s of summaries) assert.ok(s.data.chunkMap === undefined && s.data.providers === undefined, 'a summary, not the live chunk map')
    assert.equal(summaries.at(-1)?.data.state, 'done', 'the latest state always goes out')
    assert.equal(summaries.at(-1)?.data.bytesDone, 3 * CHUNK + 1000)
    const done = seen.find(e => e.event === 'download:done')
    assert.equal(done?.data.id, ids.quick)
    assert.equal(done?.data.manifest, undefined)

    const details = seen.filter(e => e.event === 'download:detail')
    assert.ok(details.length >= 1, 'the watched download\'s detail')
    const last = details.at(-1)?.data
    assert.equal(last.id, ids.quick)
    assert.deepEqual(last.providers.map((p: any) => [p.peerId, p.chunksVerified, p.chunksRejected]), [[provider.peerId.toString(), 4, 0]])
    assert.deepEqual(last.chunkMap.providers, [provider.peerId.toString()])
    assert.deepEqual([...Buffer.from(last.chunkMap.owners, 'base64')], [1, 1, 1, 1], 'every chunk from provider 1')
    assert.equal(last.chunkMap.fromDisk, 255)
    assert.equal(others.filter(e => e.event === 'download:detail').length, 0, 'only a stream that asked gets the detail')
    assert.ok(others.some(e => e.event === 'download' && e.data.id === ids.quick))

    const detail = (await call('GET', `/downloads/${ids.quick}`)).body
    assert.equal(detail.state, 'done')
    assert.deepEqual([...Buffer.from(detail.chunkMap.owners, 'base64')], [1, 1, 1, 1])
    const list = (await call('GET', '/downloads')).body.downloads
    assert.deepEqual(list.map((d: any) => [d.id, d.state]), [[ids.quick, 'done']])
    const snapshot = await collectEvents(`${me.base}/api/v1/events?download=${ids.quick}`, me.bearer, s => s.length > 0)
    assert.equal(snapshot[0].data.download.state, 'done', 'a stream opened later starts from the detail')
    assert.equal((await raw(me.port, { path: '/api/v1/events?download=..%2Fx', headers: me.bearer })).status, 400)
  })

  it('pauses, resumes, cancels (DELETE) and retries, 409 where the state forbids it, under limits changed by PATCH', async () => {
    const before = await metrics()
    const capped = await call('PATCH', '/limits', { maxDownloadBytesPerSecond: CHUNK })
    assert.equal(capped.status, 200)
    assert.equal(capped.body.maxDownloadBytesPerSecond, CHUNK)
    assert.equal((await call('GET', '/limits')).body.maxDownloadBytesPerSecond, CHUNK)
    try {
      assert.equal((await call('POST', '/downloads', { id: ids.slow })).status, 201)
      await eventually(async () => (await call('GET', `/downloads/${ids.slow}`)).body.state === 'active')
      assert.equal(series(await metrics(), 'arkshare_downloads_active'), 1)
      assert.equal((await call('POST', `/downloads/${ids.slow}/retry`)).status, 409, 'an active download cannot be retried')
      const paused = await call('POST', `/downloads/${ids.slow}/pause`)
      assert.equal(paused.body.state, 'paused')
      const wrong = await call('POST', `/downloads/${ids.slow}/retry`)
      assert.equal(wrong.status, 409)
      assert.match(wrong.body.error, /cannot retry a download that is paused/)
      assert.ok(['queued', 'active'].includes((await call('POST', `/downloads/${ids.slow}/resume`)).body.state))
      const cancelled = await call('DELETE', `/downloads/${ids.slow}`)
      assert.equal(cancelled.status, 200)
      assert.equal(cancelled.body.state, 'cancelled')
      assert.equal((await call('POST', `/downloads/${ids.slow}/pause`)).status, 409)
      assert.ok(['queued', 'active'].includes((await call('POST', `/downloads/${ids.slow}/retry`)).body.state))
    } finally {
      assert.equal((await call('PATCH', '/limits', { maxDownloadBytesPerSecond: null })).body.maxDownloadBytesPerSecond, null)
    }
    await finished(ids.slow)
    for (const verb of ['pause', 'resume', 'retry']) assert.equal((await call('POST', `/downloads/${ids.slow}/${verb}`)).status, 409, verb)
    assert.equal((await call('DELETE', `/downloads/${ids.slow}`)).status, 409, 'a finished book is not cancelled')
    const after = await metrics()
    const moved = (name: string, labels = ''): number => series(after, name, labels) - series(before, name, labels)
    assert.equal(moved('arkshare_downloads_total', 'result="cancelled"'), 1)
    assert.equal(moved('arkshare_downloads_total', 'result="done"'), 1)
    assert.equal(moved('arkshare_download_duration_seconds_count'), 1)
    assert.ok(moved('arkshare_chunks_verified_total') >= 8)
    assert.equal(series(after, 'arkshare_downloads_active'), 0)
  })

  it('changes limits with PATCH: 400 naming the field for a bad value or an unknown limit, and nothing changes', async () => {
    const limits = (await call('GET', '/limits')).body
    for (const [body, field] of [
      [{ uploadSlots: 0 }, 'uploadSlots'],
      [{ uploadSlots: 2, maxUploadBytesPerSecond: -5 }, 'maxUploadBytesPerSecond'],
      [{ maxActiveDownloads: 1.5 }, 'maxActiveDownloads'],
      [{ maxDownloadBytesPerSecond: '2MiB/s' }, 'maxDownloadBytesPerSecond'],
      [{ uploadSlots: null }, 'uploadSlots'],
      [{ speed: 1 }, 'speed'],
      [null, 'body']
    ] as const) {
      const r = await call('PATCH', '/limits', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.equal(r.body.field, field, JSON.stringify(body))
      assert.equal(typeof r.body.error, 'string')
    }
    assert.deepEqual((await call('GET', '/limits')).body, limits, 'nothing changed')
    const heard = collectEvents(`${me.base}/api/v1/events`, me.bearer, seen => seen.some(e => e.event === 'limits'))
    await eventually(async () => series(await metrics(), 'arkshare_events_clients') >= 1)
    const changed = await call('PATCH', '/limits', { uploadSlots: limits.uploadSlots + 2, maxUploadBytesPerSecondPerPeer: 1_000_000 })
    assert.deepEqual(changed.body, { ...limits, uploadSlots: limits.uploadSlots + 2, maxUploadBytesPerSecondPerPeer: 1_000_000 })
    assert.equal(me.node.services.arkshare.limits().uploadSlots, limits.uploadSlots + 2)
    const events = await heard
    assert.deepEqual(events[0].data.limits, limits, 'the snapshot has the limits')
    assert.deepEqual(events.find(e => e.event === 'limits')?.data, changed.body)
  })

  it('downloads from a book link; counts a liar\'s rejected chunks, its drop and the failed download; clears the finished ones', async () => {
    const link = await provider.services.arkshare.bookLink(ids.linked)
    const added = await call('POST', '/downloads', { id: link })
    assert.equal(added.status, 201)
    assert.equal(added.body.id, ids.linked)
    assert.equal(added.body.title, 'The Odyssey')
    assert.ok(added.body.hints >= 1)
    await finished(ids.linked)

    const before = await metrics()
    const events = collectEvents(`${me.base}/api/v1/events`, me.bearer, seen => seen.some(e => e.event === 'download:failed'), 30_000)
    await eventually(async () => series(await metrics(), 'arkshare_events_clients') >= 1)
    assert.equal((await call('POST', '/downloads', { id: ids.lied })).status, 201)
    const failed = await finished(ids.lied, 'failed')
    assert.match(failed.error, /fails verification/)
    assert.equal(failed.providers[0].dropped.reason, 'bad_data')
    assert.match((await events).find(e => e.event === 'download:failed')?.data.error, /fails verification/)
    const after = await metrics()
    const moved = (name: string, labels = ''): number => series(after, name, labels) - series(before, name, labels)
    assert.equal(moved('arkshare_downloads_total', 'result="failed"'), 1)
    assert.ok(moved('arkshare_chunks_rejected_total') >= 1)
    assert.equal(moved('arkshare_providers_dropped_total', 'reason="bad_data"'), 1)
    assert.equal(moved('arkshare_providers_dropped_total', 'reason="stalled"'), 0)

    const removals = collectEvents(`${me.base}/api/v1/events`, me.bearer, seen => seen.filter(e => e.event === 'download:removed').length === 4)
    await eventually(async () => series(await metrics(), 'arkshare_events_clients') >= 1)
    const cleared = await call('POST', '/downloads/clear')
    assert.equal(cleared.status, 200)
    assert.equal(cleared.body.cleared, 4)
    assert.deepEqual(cleared.body.downloads, [])
    assert.deepEqual((await removals).filter(e => e.event === 'download:removed').map(e => e.data.id).sort(), [ids.quick, ids.slow, ids.linked, ids.lied].sort())
  })

  it('times every search of the node, the shell\'s as well as the API\'s', async () => {
    const count = async (): Promise<number> => series(await metrics(), 'arkshare_search_duration_seconds_count')
    const before = await count()
    assert.equal((await call('GET', '/search?q=moby')).status, 200)
    await me.node.services.arkshare.search('tolstoy')
    assert.equal(await count() - before, 2)
  })
})
