// Book links against protocols/links.md: what a writer writes, and what a reader takes, ignores or refuses.
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { bookIdOf } from '../../../src/content/book-id.js'
import { BOOK_LINK_LIMITS, formatBookLink, InvalidBookLinkError, isBookLink, parseBookLink } from '../../../src/wire/book-link.js'

const id = bookIdOf({ size: 5, chunkSize: 262144, chunkHashes: new Uint8Array(32).fill(7) })
const PEER_A = '12D3KooWGRUVh1n9yG8sWzD8yK5QuyVcEp9Bi8ooZsdvjy5RuHVK'
const PEER_B = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const hintA = `/ip4/192.0.2.7/tcp/4001/p2p/${PEER_A}`
const hintB = `/ip6/2001:db8::1/tcp/4001/p2p/${PEER_B}`

describe('book links', () => {
  it('writes the ID, then title, size, name and peers, percent-encoded, and reads them back', () => {
    const text = formatBookLink({ id, title: 'Moby Dick; or, The Whale & more+', size: 1276201, name: 'Herman Melville - Moby Dick.epub', peers: [hintA, hintB] })
    assert.equal(text, `arkshare:${id.toString()}?title=Moby%20Dick%3B%20or%2C%20The%20Whale%20%26%20more%2B&size=1276201&name=Herman%20Melville%20-%20Moby%20Dick.epub&peer=${hintA}&peer=${hintB}`)
    assert.deepEqual(parseBookLink(text), { id, title: 'Moby Dick; or, The Whale & more+', size: 1276201, name: 'Herman Melville - Moby Dick.epub', peers: [hintA, hintB] })
  })

  it('round-trips text outside ASCII as UTF-8', () => {
    const text = formatBookLink({ id, title: 'Les Misérables — 悲慘世界 📚', peers: [] })
    assert.match(text, /title=Les%20Mis%C3%A9rables%20%E2%80%94%20/)
    assert.equal(parseBookLink(text).title, 'Les Misérables — 悲慘世界 📚')
  })

  it('reads the forms people paste: any letter case, //, angle brackets, white space, a fragment, a trailing slash, + for a space', () => {
    for (const text of [`ARKSHARE:${id.toString()}`, `arkshare://${id.toString()}`, `  <arkshare:${id.toString()}/>\n`, `arkshare:${id.toString()}#top`]) {
      assert.equal(parseBookLink(text).id.toString(), id.toString(), text)
      assert.ok(isBookLink(text))
    }
    assert.equal(parseBookLink(`arkshare:${id.toString()}?title=Moby+Dick#x`).title, 'Moby Dick')
    assert.equal(isBookLink(id.toString()), false)
  })

  it('refuses what names no book: another scheme, no ID, a bad ID, an over-long link', () => {
    assert.throws(() => parseBookLink(`magnet:?xt=${id.toString()}`), InvalidBookLinkError)
    assert.throws(() => parseBookLink('arkshare:?title=x'), /names no book/)
    assert.throws(() => parseBookLink('arkshare:bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmqqme5yje'), /names no book/)
    assert.throws(() => parseBookLink(`arkshare:${id.toString()}?title=${'a'.repeat(BOOK_LINK_LIMITS.maxReadChars)}`), /at most 4096 characters/)
  })

  it('ignores what it cannot use, reading the rest as if it were not there', () => {
    const link = parseBookLink(`arkshare:${id.toString()}?x-new=1&&novalue&Title=Shout&title=%E0%A4%A&title=${'t'.repeat(513)}&title=Second&title=Third` +
      '&size=-5&size=012&size=34359738369&size=42&size=43' +
      `&name=a%2Fb.epub&name=&name=ok.epub&name=later.epub&peer=/ip4/1.2.3.4/tcp/1&peer=nonsense&peer=${hintA}&peer=/ip4/10.0.0.1/tcp/2/p2p/${PEER_A}`)
    assert.deepEqual(link, { id, title: 'Second', size: 42, name: 'ok.epub', peers: [hintA] })
  })

  it('reads one hint per peer, and at most 8', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
    const peers = ids.map((peer, i) => `/ip4/192.0.2.${i + 1}/tcp/4001/p2p/${peer}`)
    const text = `arkshare:${id.toString()}?peer=/ip4/192.0.2.99/tcp/1/p2p/${ids[0]}&${peers.map(p => `peer=${p}`).join('&')}`
    assert.deepEqual(parseBookLink(text).peers, [`/ip4/192.0.2.99/tcp/1/p2p/${ids[0]}`, ...peers.slice(1, 8)])
  })

  it('writes at most 3 hints, leaves out what breaks the rules, and fits 2,048 characters', () => {
    const peers = [hintA, hintB, hintA, `/ip4/192.0.2.9/tcp/1/p2p/${PEER_A}`, 'garbage']
    const text = formatBookLink({ id, title: 'T\u0007itle', name: 'bad/name.epub', size: -1, peers })
    assert.deepEqual(parseBookLink(text), { id, title: 'Title', peers: [hintA, hintB] })
    const huge = formatBookLink({ id, title: 'x'.repeat(600), name: `${'n'.repeat(250)}.epub`, peers: [hintA, hintB] })
    assert.ok(huge.length <= BOOK_LINK_LIMITS.maxWrittenChars)
    assert.equal(parseBookLink(huge).title, 'x'.repeat(512), 'a title is clipped to 512 characters')
    // percent-encoding makes a title of 512 CJK characters 4,608 characters long: the hints go first, then the name, then the title
    const wide = formatBookLink({ id, title: '書'.repeat(512), name: 'book.epub', peers: [hintA] })
    assert.equal(wide, `arkshare:${id.toString()}`)
  })
})
