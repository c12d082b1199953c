// Merging the answers of several indexes: one entry per book, providers and their addresses
// unioned, the largest total, the indexes that failed, and an error only when none answered.
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { bookIdOf, CHUNK_SIZE } from '../../../../src/content/book-id.js'
import { NoIndexError } from '../../../../src/peer/errors.js'
import { mergeAnswers, type IndexAnswer } from '../../../../src/peer/index-links/search-results.js'
import { Reachability, Status, type SearchResponse, type SearchResult } from '../../../../src/wire/messages.js'
import { bookToWire, derivedFileName, providerToWire, type BookRecord } from '../../../../src/wire/records.js'

function book (n: number): BookRecord {
  const id = bookIdOf({ size: 10, chunkSize: CHUNK_SIZE, chunkHashes: new Uint8Array(32).fill(n) }).toString()
  return { id, title: `Book ${n}`, author: 'Anonymous', format: 'txt', size: 10, fileName: `${n}.txt`, language: 'en' }
}

function answer (index: string, results: SearchResult[], total = results.length, totalIsEstimate = false): IndexAnswer {
  const response: SearchResponse = { status: Status.OK, message: '', results, total, retryAfterSeconds: 0, totalIsEstimate }
  return { index, outcome: { status: 'fulfilled', value: response } }
}

function failed (index: string, message: string): IndexAnswer {
  return { index, outcome: { status: 'rejected', reason: new Error(message) } }
}

describe('search results', () => {
  it('reads an empty file name as the derived one, and keeps every file name an index sent', () => {
    const left = { ...book(1), fileName: '' }
    const sent = book(2)
    const merged = mergeAnswers([answer('/index/a', [{ book: bookToWire(left), providers: [] }, { book: bookToWire(sent), providers: [] }])])
    assert.deepEqual(merged.results.map(r => r.book.fileName), ['Anonymous - Book 1.txt', '2.txt'])
    assert.equal(merged.results[0].book.fileName, derivedFileName(left))
  })

  it('merges one entry per book, with every provider once and all of its addresses', async () => {
    const [p, q] = await Promise.all([1, 2].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
    const one = book(1)
    const two = book(2)
    const merged = mergeAnswers([
      answer('/index/a', [
        { book: bookToWire(one), providers: [providerToWire({ peerId: p, multiaddrs: ['/ip4/10.0.0.1/tcp/1'] })] },
        { book: bookToWire(two), providers: [providerToWire({ peerId: q, multiaddrs: [] })] }
      ], 40, true),
      answer('/index/b', [
        { book: bookToWire(one), providers: [providerToWire({ peerId: p, multiaddrs: ['/ip4/10.0.0.2/tcp/1'] }), providerToWire({ peerId: q, multiaddrs: [] })] },
        // a result without a book, or with a provider that does not parse, is skipped
        { providers: [] },
        { book: bookToWire(two), providers: [{ peerId: Uint8Array.from([1, 2]), multiaddrs: [], reachability: Reachability.UNKNOWN }] }
      ], 55)
    ])
    assert.deepEqual(merged.results.map(r => r.book.id), [one.id, two.id])
    assert.deepEqual(merged.results[0].providers, [
      { peerId: p, multiaddrs: ['/ip4/10.0.0.1/tcp/1', '/ip4/10.0.0.2/tcp/1'], reachability: 'unknown' },
      { peerId: q, multiaddrs: [], reachability: 'unknown' }
    ])
    assert.deepEqual(merged.results[1].providers, [{ peerId: q, multiaddrs: [], reachability: 'unknown' }])
    assert.equal(merged.total, 55)
    assert.equal(merged.totalIsEstimate, true)
    assert.deepEqual(merged.failures, [])
  })

  it('lists the indexes that failed, and fails only when none answered', () => {
    const merged = mergeAnswers([answer('/index/a', []), failed('/index/b', 'timed out')])
    assert.deepEqual(merged.failures, [{ index: '/index/b', error: 'timed out' }])
    assert.throws(() => mergeAnswers([failed('/index/a', 'refused'), failed('/index/b', 'timed out')]),
      (err: Error) => err instanceof NoIndexError && err.message === 'no index answered: refused; timed out')
  })
})
