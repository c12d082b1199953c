// Real libp2p nodes on loopback: an index and sharing peers, end to end through the services.
import assert from 'node:assert/strict'
import { readFile, readdir, appendFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, eventually, indexAddr, startIndex, useSwarm, waitForProviders, writeBook } from '../helpers.js'
import { startLiar } from './liar.js'

describe('index and peers over libp2p', function () {
  this.timeout(60_000)
  const swarm = useSwarm((dir) => ({ dataDir: join(dir, 'index') }))

  it('registers a shelf, finds it by keyword, downloads verified bytes and becomes a provider', async () => {
    const bytes = bookBytes(1, 700_000)
    const path = await writeBook(join(swarm.dir, 'a-books'), 'Herman Melville - Moby Dick.txt', bytes)
    const id = bookIdOf(await hashFile(path)).toString()
    const alice = await swarm.peer('alice', { share: [join(swarm.dir, 'a-books')] })
    const bob = await swarm.peer('bob')
    await waitForProviders(swarm.index, id, 1)

    const found = await bob.services.arkshare.search('MOBY melville')
    assert.equal(found.results.length, 1)
    const [hit] = found.results
    assert.equal(hit.book.id, id)
    assert.equal(hit.book.title, 'Moby Dick')
    assert.equal(hit.book.author, 'Herman Melville')
    assert.equal(hit.book.format, 'txt')
    assert.equal(hit.book.size, bytes.byteLength)
    assert.deepEqual(hit.providers.map(p => p.peerId), [alice.peerId.toString()])
    assert.ok(hit.providers[0].multiaddrs.some(a => a.includes('/tcp/')), 'provider addresses are dialable')
    assert.equal((await bob.services.arkshare.search('moby tolstoy')).results.length, 0, 'every word must match')

    let progressEvents = 0
    let doneEvent: string | undefined
    bob.services.arkshare.addEventListener('download:progress', () => { progressEvents++ })
    bob.services.arkshare.addEventListener('download:done', (evt) => { doneEvent = evt.detail.path })
    const result = await bob.services.arkshare.get(id)
    assert.ok(progressEvents > 0, 'library users get progress events')
    assert.equal(doneEvent, result.path)
    assert.equal(basename(result.path), 'Herman Melville - Moby Dick.txt')
    assert.ok((await readFile(result.path)).equals(bytes))
    assert.deepEqual((await readdir(join(swarm.dir, 'bob', 'dl'))).filter(f => f.endsWith('.arkpart')), [])
    await waitForProviders(swarm.index, id, 2)
    assert.ok(bob.services.arkshare.list().some(b => b.id === id), 'the download is on bob\'s shelf')
  })

  it('lists a book shared by two peers once, with both providers', async () => {
    const bytes = bookBytes(2, 300_000)
    await writeBook(join(swarm.dir, 'a'), 'Jane Austen - Emma.txt', bytes)
    await writeBook(join(swarm.dir, 'b'), 'emma copy.txt', bytes)
    const a = await swarm.peer('a', { share: [join(swarm.dir, 'a')] })
    const b = await swarm.peer('b', { share: [join(swarm.dir, 'b')] })
    const id = bookIdOf(await hashFile(join(swarm.dir, 'a', 'Jane Austen - Emma.txt'))).toString()
    await waitForProviders(swarm.index, id, 2)
    const c = await swarm.peer('c')
    const { results } = await c.services.arkshare.search('emma')
    assert.equal(results.length, 1)
    assert.deepEqual(new Set(results[0].providers.map(p => p.peerId)), new Set([a.peerId.toString(), b.peerId.toString()]))
  })

  it('drops a provider that serves wrong bytes and finishes from an honest one', async () => {
    const bytes = bookBytes(3, 2 * 1024 * 1024 + 5)
    const path = await writeBook(join(swarm.dir, 'honest'), 'Mary Shelley - Frankenstein.txt', bytes)
    const manifest = await hashFile(path)
    const id = bookIdOf(manifest).toString()
    // capped, so the downloader waits for it and takes the liar in, whichever answers its ping first
    await swarm.peer('honest', { share: [join(swarm.dir, 'honest')], maxUploadBytesPerSecond: 4 * 1024 * 1024 })
    await waitForProviders(swarm.index, id, 1)
    const liar = await startLiar(indexAddr(swarm.index), path, manifest)
    swarm.nodes.push(liar)
    await waitForProviders(swarm.index, id, 2)

    const downloader = await swarm.peer('downloader')
    const result = await downloader.services.arkshare.get(id)
    assert.ok((await readFile(result.path)).equals(bytes))
    const dropped = result.providersFailed.find(f => f.peerId === liar.peerId.toString())
    assert.ok(dropped != null, 'the lying provider was used and dropped')
    assert.match(dropped.reason, /verification/)

    // the liar is remembered: a later download does not ask it again
    const again = await downloader.services.arkshare.get(id, { outDir: join(swarm.dir, 'again') })
    assert.ok(!again.providersUsed.includes(liar.peerId.toString()))
    assert.deepEqual(again.providersFailed, [])
  })

  it('fails plainly, leaving no file, when the only provider lies', async () => {
    const bytes = bookBytes(4, 600_000)
    const source = await writeBook(join(swarm.dir, 'src'), 'Bram Stoker - Dracula.txt', bytes)
    const manifest = await hashFile(source)
    const id = bookIdOf(manifest).toString()
    const liar = await startLiar(indexAddr(swarm.index), source, manifest)
    swarm.nodes.push(liar)
    await waitForProviders(swarm.index, id, 1)
    const downloader = await swarm.peer('downloader')
    await assert.rejects(downloader.services.arkshare.get(id), /all 1 provider\(s\) failed.*verification/)
    assert.deepEqual(await readdir(join(swarm.dir, 'downloader', 'dl')), [])
  })

  it('reflects files added to, changed in and removed from a shared folder', async () => {
    const shelf = join(swarm.dir, 'shelf')
    await writeBook(shelf, 'Lewis Carroll - Alice.txt', bookBytes(5, 1000))
    const p = await swarm.peer('p', { share: [shelf] })
    const q = await swarm.peer('q')
    await eventually(async () => (await q.services.arkshare.search('alice')).results.length === 1, 15_000, 'alice indexed')
    const added = await writeBook(shelf, 'Charles Dickens - Great Expectations.txt', bookBytes(6, 2000))
    await eventually(async () => (await q.services.arkshare.search('expectations')).results.length === 1, 15_000, 'new file indexed')
    const oldId = bookIdOf(await hashFile(added)).toString()
    await appendFile(added, 'an extra line')
    const newId = bookIdOf(await hashFile(added)).toString()
    await eventually(async () => {
      const r = await q.services.arkshare.search('expectations')
      return r.results.length === 1 && r.results[0].book.id === newId
    }, 15_000, 'changed file re-indexed')
    assert.ok(p.services.arkshare.list().every(b => b.id !== oldId))
    const { rm } = await import('node:fs/promises')
    await rm(added)
    await eventually(async () => (await q.services.arkshare.search('expectations')).results.length === 0, 15_000, 'removed file withdrawn')
  })

  it('keeps its catalog across an swarm.index restart, and peers register again by themselves', async () => {
    const shelf = join(swarm.dir, 'shelf')
    const first = await writeBook(shelf, 'Homer - The Odyssey.txt', bookBytes(7, 5000))
    const p = await swarm.peer('p', { share: [shelf], ttlSeconds: 60 })
    const firstId = bookIdOf(await hashFile(first)).toString()
    await waitForProviders(swarm.index, firstId, 1)
    const address = indexAddr(swarm.index)
    const port = address.split('/')[4]
    await swarm.index.stop()

    swarm.index = await startIndex({ dataDir: join(swarm.dir, 'index'), listen: [`/ip4/127.0.0.1/tcp/${port}`] })
    assert.equal(indexAddr(swarm.index), address, 'same peer ID and address after restart')
    assert.equal(swarm.index.services.index.catalog.textIndexOrigin.source, 'snapshot', 'the text index saved as it stopped is read back')
    // before the peer is back, the persisted registration still answers
    assert.equal(swarm.index.services.index.search('odyssey').hits.length, 1)
    const second = await writeBook(shelf, 'Homer - The Iliad.txt', bookBytes(8, 5000))
    await waitForProviders(swarm.index, bookIdOf(await hashFile(second)).toString(), 1, 40_000)
    await eventually(() => p.services.arkshare.indexes()[0].registered, 15_000, 'registered again')
  })

  it('forgets a peer that stops renewing once its lease lapses', async () => {
    const source = await writeBook(join(swarm.dir, 'src'), 'Leo Tolstoy - War and Peace.txt', bookBytes(9, 1000))
    const manifest = await hashFile(source)
    const id = bookIdOf(manifest).toString()
    // the liar registers once with a 1 s lease and never renews: a frozen or crashed client
    const silent = await startLiar(indexAddr(swarm.index), source, manifest, { ttlSeconds: 1 })
    swarm.nodes.push(silent)
    await waitForProviders(swarm.index, id, 1)
    await eventually(() => swarm.index.services.index.search('tolstoy').hits.length === 0, 5_000, 'lease lapsed')
    await eventually(() => swarm.index.services.index.catalog.sweepExpired() >= 0 && swarm.index.services.index.stats().peersRegistered === 0, 5_000, 'swept')
  })
})
