// Book links on real nodes: a link names the peer that shares the book, and downloads from it even
// when no index knows the book, or when the downloader has no index at all.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { createArkshareNode } from '../../src/node/create-node.js'
import { parseBookLink } from '../../src/peer/index.js'
import { bookBytes, eventually, useSwarm, writeBook, LOOPBACK } from '../helpers.js'

describe('book links', function () {
  this.timeout(60_000)
  const swarm = useSwarm()

  it('downloads by a link with a hint from a peer no index knows, with an index or with none', async () => {
    const bytes = bookBytes(501, 700_000)
    const path = await writeBook(join(swarm.dir, 'books'), 'Lewis Carroll - Alice in Wonderland.txt', bytes)
    const id = bookIdOf(await hashFile(path)).toString()
    // shares, but registers with no index
    const hidden = await createArkshareNode({ listen: [LOOPBACK], share: [join(swarm.dir, 'books')], dataDir: join(swarm.dir, 'hidden') })
    swarm.nodes.push(hidden)
    await eventually(() => hidden.services.arkshare.list().length === 1, 15_000, 'the shelf scanned')
    const link = await hidden.services.arkshare.bookLink(id)
    const parsed = parseBookLink(link)
    assert.equal(parsed.id.toString(), id)
    assert.equal(parsed.title, 'Alice in Wonderland')
    assert.equal(parsed.size, bytes.length)
    assert.equal(parsed.name, 'Lewis Carroll - Alice in Wonderland.txt')
    assert.deepEqual(parsed.peers.map(p => p.split('/p2p/')[1]), [hidden.peerId.toString()])

    // the swarm's index does not know the book: by ID alone there is no provider, by link there is
    const withIndex = await swarm.peer('with-index')
    await assert.rejects(withIndex.services.arkshare.get(id), /no provider is online/)
    const found = await withIndex.services.arkshare.findProviders(link)
    assert.deepEqual(found?.providers.map(p => p.peerId), [hidden.peerId.toString()])
    const result = await withIndex.services.arkshare.get(link)
    assert.ok((await readFile(result.path)).equals(bytes))
    assert.equal(result.path, join(swarm.dir, 'with-index', 'dl', 'Lewis Carroll - Alice in Wonderland.txt'), 'saved under the link\'s name')

    // a node with no index at all: the download list takes the link too
    const alone = await createArkshareNode({ listen: [LOOPBACK], downloads: join(swarm.dir, 'alone') })
    swarm.nodes.push(alone)
    const done = new Promise<string>(resolve => { alone.services.arkshare.addEventListener('download:done', (evt) => { resolve(evt.detail.path) }) })
    const info = alone.services.arkshare.downloads.add(link)
    assert.deepEqual([info.id, info.title, info.size, info.hints], [id, 'Alice in Wonderland', bytes.length, 1])
    assert.ok((await readFile(await done)).equals(bytes))
  })
})
