// The peer's side of book links: a link read into a book to download (its hints as providers), and
// the link the peer writes for a book it shares, has in its list, or finds in an index.
import assert from 'node:assert/strict'
import { InvalidParametersError } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { bookIdOf } from '../../../src/content/book-id.js'
import { writeBookLink } from '../../../src/peer/book-link-writer.js'
import { parseBookRef } from '../../../src/peer/book-ref.js'
import { parseBookLink } from '../../../src/wire/book-link.js'
import type { DownloadInfo, ShelfEntry } from '../../../src/peer/index.js'

const id = bookIdOf({ size: 9, chunkSize: 262144, chunkHashes: new Uint8Array(32).fill(3) })
const PEER = '12D3KooWGRUVh1n9yG8sWzD8yK5QuyVcEp9Bi8ooZsdvjy5RuHVK'
const OTHER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

describe('book references and the links a peer writes', () => {
  it('reads an ID or a link; a link\'s hints become providers listed as an index lists them', () => {
    assert.deepEqual(parseBookRef(` ${id.toString()} `).hints, [])
    const ref = parseBookRef(`arkshare:${id.toString()}?title=Emma&size=9&name=Emma.epub&peer=/ip4/192.0.2.1/tcp/4001/p2p/${PEER}`)
    assert.equal(ref.id, id.toString())
    assert.deepEqual([ref.title, ref.size, ref.fileName], ['Emma', 9, 'Emma.epub'])
    assert.deepEqual(ref.hints, [{ peerId: PEER, multiaddrs: ['/ip4/192.0.2.1/tcp/4001'] }])
    assert.throws(() => parseBookRef('arkshare:nothing'), InvalidParametersError)
    assert.throws(() => parseBookRef('not-an-id'), (err: Error) => err instanceof InvalidParametersError && /not a book ID/.test(err.message))
  })

  it('names this peer, by its best address, for a book on its shelf', () => {
    const shared = { id: id.toString(), title: 'Emma', size: 9, fileName: 'Jane Austen - Emma.epub' } as unknown as ShelfEntry
    const own = ['/ip4/127.0.0.1/tcp/1', '/ip4/192.168.1.5/tcp/1', '/ip4/93.184.216.34/tcp/1'].map(a => multiaddr(`${a}/p2p/${PEER}`))
    const link = parseBookLink(writeBookLink(parseBookRef(id.toString()), { shared, ownAddresses: own }))
    assert.deepEqual(link, { id, title: 'Emma', size: 9, name: 'Jane Austen - Emma.epub', peers: [`/ip4/93.184.216.34/tcp/1/p2p/${PEER}`] })
    const onLoopback = parseBookLink(writeBookLink(parseBookRef(id.toString()), { shared, ownAddresses: [own[0]] }))
    assert.deepEqual(onLoopback.peers, [`/ip4/127.0.0.1/tcp/1/p2p/${PEER}`], 'loopback when there is nothing else')
  })

  it('writes what the download list or the indexes know, with up to 3 listed providers', () => {
    const listed = { id: id.toString(), title: 'Emma', size: 0, fileName: '' } as unknown as DownloadInfo
    assert.equal(writeBookLink(parseBookRef(id.toString()), { listed, ownAddresses: [] }), `arkshare:${id.toString()}?title=Emma`)
    const providers = [PEER, OTHER, PEER, OTHER].map((peerId, i) => ({ peerId, multiaddrs: [`/ip4/192.0.2.${i}/tcp/1`, '/ip4/10.0.0.1/tcp/1'] }))
    const found = { book: { id: id.toString(), title: 'Emma', author: '', format: 'epub', size: 9, fileName: 'Emma.epub', language: '' }, providers }
    assert.deepEqual(parseBookLink(writeBookLink(parseBookRef(id.toString()), { found, ownAddresses: [] })),
      { id, title: 'Emma', size: 9, name: 'Emma.epub', peers: [`/ip4/192.0.2.0/tcp/1/p2p/${PEER}`, `/ip4/192.0.2.1/tcp/1/p2p/${OTHER}`] })
  })
})
