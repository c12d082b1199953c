// With --dht, peers announce their books as provider records in arkshare's Kademlia DHT, and a
// download by ID still finds providers there when no index answers.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookIdOf, parseBookId } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, eventually, removeDir, startIndex, startPeer, tempDir, writeBook } from '../helpers.js'
import type { ArkshareNode, IndexNode } from '../../src/node/create-node.js'

describe('DHT fallback', function () {
  this.timeout(90_000)
  let dir: string
  let index: IndexNode
  const peers: ArkshareNode[] = []

  before(async () => { dir = await tempDir() })
  after(async () => {
    await Promise.all(peers.map(async p => { await p.stop() }))
    await index?.stop()
    await removeDir(dir)
  })

  it('downloads a book by ID through the DHT after the index is gone', async () => {
    index = await startIndex({ dht: true })
    const bytes = bookBytes(51, 700_000)
    const path = await writeBook(join(dir, 'a'), 'Giovanni Boccaccio - The Decameron.txt', bytes)
    const id = bookIdOf(await hashFile(path)).toString()
    for (const name of ['a', 'b', 'c', 'd']) {
      peers.push(await startPeer(index, { dht: true, share: name === 'a' ? [join(dir, 'a')] : [], downloads: join(dir, name, 'dl'), dataDir: join(dir, name, 'data') }))
    }
    const [, b, c] = peers
    // the provider record has spread once another peer can find it
    await eventually(async () => {
      for await (const p of c.contentRouting.findProviders(parseBookId(id), { signal: AbortSignal.timeout(3_000) })) {
        if (p.id.equals(peers[0].peerId)) return true
      }
      return false
    }, 40_000, 'provider record in the DHT')

    await index.stop()
    const result = await b.services.arkshare.get(id)
    assert.ok((await readFile(result.path)).equals(bytes))
    assert.deepEqual(result.providersUsed, [peers[0].peerId.toString()])
  })
})
