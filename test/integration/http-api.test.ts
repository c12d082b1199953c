// The HTTP API against a real swarm on loopback: an index, a provider, and a peer serving HTTP.
// Searches, books, browsing, the shelf, the network, the event stream; the index's status.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, eventually, removeDir, startPeer, tempDir, waitForProviders, writeBook } from '../helpers.js'
import { collectEvents, raw, webIndex, webPeer, type WebNode } from '../support/http.js'
import type { ArkshareNode, IndexNode } from '../../src/node/create-node.js'

describe('HTTP API', function () {
  this.timeout(60_000)
  let dir: string
  let index: WebNode<IndexNode>
  let provider: ArkshareNode
  let me: WebNode<ArkshareNode>
  let ids: { whale: string, mine: string }

  before(async () => {
    dir = await tempDir()
    index = await webIndex(dir)
    await writeBook(join(dir, 'provider'), 'Herman Melville - Moby Dick.txt', bookBytes(1, 700_000))
    await writeBook(join(dir, 'provider'), '<img src=x onerror=alert(1)> - Whale Songs.txt', bookBytes(2, 10_000))
    await writeBook(join(dir, 'mine'), 'Jane Austen - Emma.txt', bookBytes(3, 20_000))
    provider = await startPeer(index.node, { share: [join(dir, 'provider')], dataDir: join(dir, 'provider-data') })
    me = await webPeer(index.node, join(dir, 'me'), { share: [join(dir, 'mine')] }, { roots: [join(dir, 'mine')] })
    const list = await eventually(() => provider.services.arkshare.list().length === 2 && me.node.services.arkshare.list().length === 1 && provider.services.arkshare.list())
    ids = { whale: list.find(b => b.title === 'Moby Dick')?.id as string, mine: me.node.services.arkshare.list()[0].id }
    await waitForProviders(index.node, ids.whale, 1)
    await waitForProviders(index.node, ids.mine, 1)
  })

  after(async () => {
    await me?.stop()
    await provider?.stop()
    await index?.stop()
    await removeDir(dir)
  })

  const api = async (path: string, init: RequestInit = {}): Promise<any> => {
    const r = await fetch(`${me.base}/api/v1${path}`, { ...init, headers: { ...me.bearer, ...init.headers as Record<string, string> } })
    assert.equal(r.status, 200, `${path}: ${r.status} ${await r.clone().text()}`)
    return await r.json()
  }

  it('says who answers: role, version, peer ID and addresses', async () => {
    const info = await api('/info')
    assert.equal(info.role, 'peer')
    assert.match(info.version, /^\d+\.\d+\.\d+/)
    assert.equal(info.peerId, me.node.peerId.toString())
    assert.ok(info.multiaddrs.length > 0)
  })

  it('searches every index: one row per book with its providers, and whether it is on my shelf', async () => {
    const found = await api('/search?q=moby')
    assert.equal(found.total, 1)
    assert.equal(found.totalIsEstimate, false)
    assert.deepEqual(found.failures, [])
    const [row] = found.results
    assert.equal(row.book.id, ids.whale)
    assert.equal(row.book.title, 'Moby Dick')
    assert.equal(row.onShelf, false)
    assert.deepEqual(row.providers.map((p: any) => p.peerId), [provider.peerId.toString()])
    assert.equal(typeof row.bestLatencyMs, 'number', 'providers are pinged with a search')
    const emma = await api('/search?q=emma')
    assert.equal(emma.results[0].onShelf, true)
    // network strings come back as the strings they are
    const html = await api(`/search?q=${encodeURIComponent('whale songs')}`)
    assert.equal(html.results[0].book.author, '<img src=x onerror=alert(1)>')
    const paged = await api('/search?q=moby&limit=1&offset=1')
    assert.deepEqual(paged.results, [])
  })

  it('shows a book by ID with its providers, and 404 for one no index knows', async () => {
    const book = await api(`/books/${ids.whale}`)
    assert.equal(book.book.title, 'Moby Dick')
    assert.equal(book.providers[0].peerId, provider.peerId.toString())
    const nobodys = bookIdOf(await hashFile(await writeBook(join(dir, 'unshared'), 'x.txt', bookBytes(9, 1000)))).toString()
    const unknown = await raw(me.port, { path: `/api/v1/books/${nobodys}`, headers: me.bearer })
    assert.equal(unknown.status, 404)
    assert.equal(JSON.parse(unknown.body).error, 'no index knows this book')
  })

  it('gives a book\'s link: one of my shelf names this node as its provider', async () => {
    const { link } = await api(`/books/${ids.mine}/link`)
    assert.match(link, new RegExp(`^arkshare:${ids.mine}\\?title=Emma&size=20000&name=Jane%20Austen%20-%20Emma\\.txt&peer=.*/p2p/${me.node.peerId.toString()}$`))
    const whale = await api(`/books/${ids.whale}/link`)
    assert.match(whale.link, new RegExp(`peer=.*/p2p/${provider.peerId.toString()}`))
    assert.equal((await raw(me.port, { path: '/api/v1/books/not-an-id/link', headers: me.bearer })).status, 400)
  })

  it('browses a provider\'s shelf', async () => {
    const shelf = await api(`/browse/${provider.peerId.toString()}`)
    assert.deepEqual(shelf.results.map((r: any) => r.book.title).sort(), ['Moby Dick', 'Whale Songs'])
  })

  it('lists my shelf with its roots, rescans it, and shows the network', async () => {
    const shelf = await api('/shelf')
    assert.equal(shelf.books.length, 1)
    assert.equal(shelf.total, 1)
    assert.equal(shelf.books[0].id, ids.mine)
    assert.equal(shelf.bytes, 20_000)
    assert.deepEqual(shelf.roots, [join(dir, 'mine')])
    assert.equal(shelf.books[0].path, undefined, 'paths stay on the node')
    await writeBook(join(dir, 'mine'), 'Jane Austen - Persuasion.txt', bookBytes(4, 5_000))
    const after = await eventually(async () => {
      const r = await api('/shelf/rescan', { method: 'POST' })
      return r.books.length === 2 && r
    })
    assert.equal(after.bytes, 25_000)
    const network = await api('/network')
    assert.equal(network.peerId, me.node.peerId.toString())
    assert.equal(network.indexes.length, 1)
    assert.equal(network.indexes[0].registered, true)
    assert.ok(network.connections.some((c: any) => c.peerId === index.node.peerId.toString()))
    assert.deepEqual(network.dht, { enabled: false })
  })

  it('streams events: a snapshot first, then a download\'s progress and its end', async () => {
    const events = collectEvents(`${me.base}/api/v1/events`, me.bearer, (seen) => seen.some(e => e.event === 'download:done'))
    await eventually(async () => {
      const text = await (await fetch(`${me.base}/metrics`)).text()
      return /^arkshare_events_clients 1$/m.test(text)
    })
    await me.node.services.arkshare.get(ids.whale)
    const seen = await events
    assert.equal(seen[0].event, 'snapshot')
    assert.equal(seen[0].data.shelf.books, 2)
    assert.equal(seen[0].data.network.peerId, me.node.peerId.toString())
    const progress = seen.filter(e => e.event === 'download')
    assert.ok(progress.length >= 1)
    assert.equal(progress.at(-1)?.data.bytesDone, 700_000, 'the last report always goes out')
    const done = seen.find(e => e.event === 'download:done')
    assert.equal(done?.data.id, ids.whale)
    assert.equal(done?.data.bytes, 700_000)
    assert.equal(done?.data.manifest, undefined)
  })

  it('an index on loopback serves its status and events openly, with counts only', async () => {
    const r = await fetch(`${index.base}/api/v1/status`)
    assert.equal(r.status, 200)
    const status = await r.json() as Record<string, number>
    assert.equal(status.peersOnline, 2)
    assert.ok(status.books >= 3)
    assert.ok(status.connections >= 2)
    assert.ok(status.rssBytes > 0)
    assert.deepEqual(Object.keys(status).sort(), ['books', 'connections', 'connectionsRefused', 'peersOnline', 'peersRegistered', 'providers', 'rateLimited',
      'registrations', 'registrationsPerSecond', 'rssBytes', 'searches', 'searchesPerSecond', 'streamsRefused', 'uptimeSeconds'])
    assert.ok((status.registrations as unknown as Record<string, number>).ok >= 2)
    const info = await (await fetch(`${index.base}/api/v1/info`)).json() as Record<string, string>
    assert.equal(info.role, 'index')
    const events = await collectEvents(`${index.base}/api/v1/events`, {}, (seen) => seen.some(e => e.event === 'status'), 10_000)
    assert.equal(events[0].event, 'snapshot')
    assert.equal(events[0].data.status.peersOnline, 2)
    assert.equal(events.find(e => e.event === 'status')?.data.peersOnline, 2)
    assert.equal((await fetch(`${index.base}/api/v1/search?q=moby`)).status, 404, 'an index has no peer routes')
  })
})
