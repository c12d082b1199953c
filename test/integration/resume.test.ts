// A peer restarting with a warm hash cache, or whose connection to its index dropped, resumes the
// listing it left at its index (spec 5.2.1),
// real libp2p nodes on loopback: out of results while stopped, back without sending its books again,
// only the difference sent when the shelf changed meanwhile, and a full registration whenever the
// index's listing is not the one the peer left. A lapsed lease still deletes a kept listing.
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { createArkshareNode, type ArkshareNode, type IndexNode } from '../../src/node/create-node.js'
import { REGISTER, Reachability, RegisterRequest, type RegisterResponse } from '../../src/wire/messages.js'
import { REGISTER_PROTOCOL } from '../../src/wire/protocols.js'
import { bookToWire } from '../../src/wire/records.js'
import { RequestChannel } from '../../src/wire/request-channel.js'
import { bookBytes, eventually, folderAndNodesPerTest, indexAddr, startIndex, writeBook, LOOPBACK } from '../helpers.js'
import type { Catalog } from '../../src/index-node/catalog/catalog.js'

const TITLES = ['Austen - Emma', 'Austen - Persuasion', 'Eliot - Middlemarch', 'Hardy - Jude the Obscure', 'Sterne - Tristram Shandy']

describe('resuming a registration after a restart', function () {
  this.timeout(60_000)
  const scope = folderAndNodesPerTest()
  let index: IndexNode
  let catalog: Catalog
  /** Every PUT the index applied: [replace, books]. */
  let puts: Array<[boolean, number]>
  let share: string

  beforeEach(async () => {
    index = await startIndex({ sweepIntervalMs: 200 })
    scope.stops.push(index)
    catalog = index.services.index.catalog
    puts = []
    const put = catalog.putBooksInSlices.bind(catalog)
    catalog.putBooksInSlices = async (peer, books, replace) => { puts.push([replace, books.length]); return await put(peer, books, replace) }
    share = join(scope.dir, 'share')
    for (const [n, title] of TITLES.entries()) await writeBook(share, `${title}.txt`, bookBytes(300 + n, 2_000))
    // files must have settled before a shelf hashes them
    await new Promise(resolve => setTimeout(resolve, 1100))
  })

  async function peer (ttlSeconds?: number): Promise<ArkshareNode> {
    const node = await createArkshareNode({ listen: [LOOPBACK], indexes: [indexAddr(index)], share: [share], dataDir: join(scope.dir, 'data'), downloads: join(scope.dir, 'downloads'), ttlSeconds })
    scope.stops.push(node)
    return node
  }

  /** Waits until the peer's link says it is registered, how, with `books` books; returns how. */
  async function registered (node: ArkshareNode, books: number): Promise<string | undefined> {
    const status = await eventually(() => {
      const s = node.services.arkshare.indexes()[0]
      return s.registered && s.books === books && s
    }, 15_000, `${books} books registered`)
    return status.how
  }

  const titlesListed = (peerId: string): string[] => catalog.search(undefined, { provider: peerId, limit: 100 }).hits.map(h => h.book.title).sort()

  it('leaves results when it stops, and comes back on restart without sending its books again', async () => {
    const first = await peer()
    const peerId = first.peerId.toString()
    assert.equal(await registered(first, 5), 'full')
    assert.deepEqual(puts, [[true, 5]])
    await first.stop()
    assert.deepEqual(titlesListed(peerId), [], 'out of results at once')
    assert.equal(catalog.bookCount(peerId), 5, 'its listing kept')

    const second = await peer()
    assert.equal(await registered(second, 5), 'resumed')
    assert.deepEqual(puts, [[true, 5]], 'no book sent again')
    assert.deepEqual(titlesListed(peerId), ['Emma', 'Jude the Obscure', 'Middlemarch', 'Persuasion', 'Tristram Shandy'])
  })

  it('resumes after its connection to the index drops, without sending its books again', async () => {
    // a lease of 4 s: renewed every 2 s, so the drop is noticed while the lease still runs
    const node = await peer(4)
    const peerId = node.peerId.toString()
    assert.equal(await registered(node, 5), 'full')
    await index.hangUp(node.peerId)
    await eventually(() => node.services.arkshare.indexes()[0].how === 'resumed', 15_000, 'resumed after the drop')
    assert.deepEqual(puts, [[true, 5]], 'no book sent again')
    assert.deepEqual(titlesListed(peerId), ['Emma', 'Jude the Obscure', 'Middlemarch', 'Persuasion', 'Tristram Shandy'])
  })

  it('sends only what changed while it was down, and the index then lists exactly the new shelf', async () => {
    const first = await peer()
    const peerId = first.peerId.toString()
    await registered(first, 5)
    await first.stop()
    await rm(join(share, 'Hardy - Jude the Obscure.txt'))
    await writeBook(share, 'Gaskell - North and South.txt', bookBytes(399, 2_000))
    const emma = bookIdOf(await hashFile(join(share, 'Austen - Emma.txt'))).toString()
    assert.equal(catalog.search(undefined, { bookId: emma }).total, 0, 'not found while stopped')
    await new Promise(resolve => setTimeout(resolve, 1100))

    const second = await peer()
    assert.equal(await registered(second, 5), 'resumed')
    // listed as it was left until the scan is done, then the difference: one PUT, one REMOVE
    const expected = ['Emma', 'Middlemarch', 'North and South', 'Persuasion', 'Tristram Shandy']
    await eventually(() => JSON.stringify(titlesListed(peerId)) === JSON.stringify(expected), 15_000, 'the new shelf listed')
    assert.equal(catalog.bookCount(peerId), 5)
    assert.deepEqual(puts, [[true, 5], [false, 1]], 'one book sent')
  })

  it('registers in full when the index no longer holds the listing it left there', async () => {
    const first = await peer()
    const peerId = first.peerId.toString()
    await registered(first, 5)
    await first.stop()
    // the index's listing changed behind the peer's back (a restored database, say)
    const emma = bookIdOf(await hashFile(join(share, 'Austen - Emma.txt'))).toString()
    catalog.removeBooks(peerId, [emma])

    const second = await peer()
    assert.equal(await registered(second, 5), 'full')
    assert.deepEqual(puts, [[true, 5], [true, 5]])
    assert.equal(titlesListed(peerId).length, 5)
  })

  it('deletes a kept listing when its lease ends', async () => {
    const first = await peer(2)
    const peerId = first.peerId.toString()
    await registered(first, 5)
    await first.stop()
    assert.equal(catalog.bookCount(peerId), 5)
    await eventually(() => catalog.leaseExpiresAt(peerId) == null, 15_000, 'the lapsed lease swept')
    assert.equal(catalog.bookCount(peerId), 0)

    const second = await peer(2)
    assert.equal(await registered(second, 5), 'full', 'nothing left to resume')
  })

  it('still serves a peer that knows no digests: its UNREGISTER withdraws everything', async () => {
    const old = await createArkshareNode({ listen: [LOOPBACK] })
    scope.stops.push(old)
    const stream = await old.dialProtocol(multiaddr(indexAddr(index)), REGISTER_PROTOCOL)
    const channel = new RequestChannel<RegisterRequest, RegisterResponse>(stream, REGISTER)
    const send = async (r: Partial<RegisterRequest>): Promise<RegisterResponse> => await channel.request({ type: RegisterRequest.Type.PUT, replace: false, books: [], remove: [], ttl: 60, reachability: Reachability.UNKNOWN, ...r })
    const first = await peer()
    await registered(first, 5)
    const book = catalog.search(undefined, { provider: first.peerId.toString(), limit: 1 }).hits[0].book
    assert.equal((await send({ replace: true, books: [bookToWire(book)] })).books, 1)
    assert.equal((await send({ type: RegisterRequest.Type.RENEW })).books, 1)
    await send({ type: RegisterRequest.Type.UNREGISTER })
    assert.equal(catalog.leaseExpiresAt(old.peerId.toString()), undefined)
    assert.equal(catalog.bookCount(old.peerId.toString()), 0)
  })
})
