// A registered peer that starts listening on another address (a UPnP mapping, an AutoNAT
// confirmation) tells the index through identify-push: the index lists the new address at once,
// with no reconnect and no new registration.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, eventually, useSwarm, waitForProviders, writeBook } from '../helpers.js'

describe('identify-push', function () {
  this.timeout(30_000)
  const swarm = useSwarm()

  it('lists a registered peer\'s new listen address without a reconnect or a new registration', async () => {
    const path = await writeBook(join(swarm.dir, 'books'), 'Jules Verne - Around the World in Eighty Days.txt', bookBytes(81, 50_000))
    const id = bookIdOf(await hashFile(path)).toString()
    const peer = await swarm.peer('p', { share: [join(swarm.dir, 'books')] })
    await waitForProviders(swarm.index, id, 1)
    const listed = (): string[] => swarm.index.services.index.catalog.search(undefined, { bookId: id, limit: 1 }).hits[0]?.providers[0]?.multiaddrs ?? []
    const before = listed()
    assert.ok(before.length > 0)

    // from here on, count registrations and note the connection the peer registered on
    const catalog = swarm.index.services.index.catalog
    let registrations = 0
    const { putBooks, renew } = catalog
    catalog.putBooks = (...args) => { registrations++; return putBooks.apply(catalog, args) }
    catalog.renew = (...args) => { registrations++; return renew.apply(catalog, args) }
    const connections = swarm.index.getConnections(peer.peerId).map(c => c.id)
    assert.equal(connections.length, 1)

    await (peer as any).components.transportManager.listen([multiaddr('/ip4/127.0.0.1/tcp/0')])
    const added = peer.getMultiaddrs().map(a => a.decapsulateCode(421).toString()).filter(a => !before.includes(a))
    assert.equal(added.length, 1, 'the peer listens on one more address')

    const now = await eventually(() => listed().includes(added[0]) && listed(), 5_000, 'the new address in the index')
    assert.ok(before.every(a => now.includes(a)), 'the old address is still listed')
    assert.deepEqual(swarm.index.getConnections(peer.peerId).map(c => c.id), connections, 'no reconnect')
    assert.equal(registrations, 0, 'no PUT or RENEW')
  })
})
