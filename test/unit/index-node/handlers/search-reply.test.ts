// A search page written straight into bytes must be exactly what the generated codec writes.
import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import { base58btc } from 'multiformats/bases/base58'
import { SearchReplies } from '../../../../src/index-node/handlers/search-reply.js'
import { decodeMessage, SEARCH } from '../../../../src/wire/messages.js'
import { book as record, remotePeer } from './fixtures.js'
import type { ProviderRecord, SearchPage } from '../../../../src/index-node/catalog/catalog.js'

describe('search replies', () => {
  it('encodes a page byte for byte as the generated codec does', async () => {
    const providers: ProviderRecord[] = await Promise.all(Array.from({ length: 25 }, async (_, i) => ({
      peerId: (await remotePeer()).remotePeer.toString(),
      multiaddrs: i % 3 === 0 ? [] : [`/ip4/10.0.0.${i}/tcp/4001`, `/ip6/::1/tcp/${4000 + i}`],
      lastRenewedAt: i,
      reachability: (['unknown', 'public', 'relay-only'] as const)[i % 3]
    })))
    const pages: SearchPage[] = [
      { total: 0, totalIsEstimate: false, hits: [], validUntil: Infinity },
      {
        total: 2 ** 31 + 5,
        totalIsEstimate: true,
        validUntil: 1,
        hits: [
          // plain, empty fields, accents and emoji, a title past 127 bytes, sizes past 2^31 and 2^53 - 1
          { book: { ...record(1, 'Moby Dick'), size: 0, author: '', language: '' }, providers: providers.slice(0, 1) },
          { book: { ...record(2, 'Les Misérables 📚'), author: 'Victor Hugo', size: 2 ** 31 }, providers: providers.slice(1, 4) },
          { book: { ...record(3, 'Long '.repeat(100)), fileName: 'é'.repeat(200), size: Number.MAX_SAFE_INTEGER }, providers },
          { book: { ...record(4, 'x'.repeat(512)), size: 127 }, providers: [] }
        ]
      }
    ]
    const replies = new SearchReplies()
    for (const page of pages) {
      const expected = SEARCH.response.codec.encode(replies.reply(page))
      // twice: the second time from the providers' cached bytes and a reused buffer
      for (let round = 0; round < 2; round++) assert.deepEqual(replies.encode(page), expected)
      const decoded = decodeMessage(SEARCH.response, replies.encode(page))
      assert.equal(decoded.results.length, page.hits.length)
      assert.equal(decoded.total, page.total)
      for (const [i, result] of decoded.results.entries()) assert.equal(result.providers.length, Math.min(page.hits[i].providers.length, 20))
    }
    // each reply keeps its own bytes: the next one, written into the same buffer, leaves it as it was
    const other: SearchPage = { ...pages[1], hits: pages[1].hits.slice(2) }
    const first = replies.encode(pages[1])
    replies.encode(other)
    assert.deepEqual(first, SEARCH.response.codec.encode(replies.reply(pages[1])))
  })

  it('leaves out exactly the file names equal to the derived one when the client derives them, else sends every one', () => {
    const derivable = [
      { ...record(1, 'Moby Dick', 'Herman Melville'), fileName: 'Herman Melville - Moby Dick.epub' },
      { ...record(2, 'Emma', ''), author: '', fileName: 'Emma.epub' },
      { ...record(3, 'Notes', 'Anon'), format: '', fileName: 'Anon - Notes' }
    ]
    const kept = [
      { ...record(4, 'Moby Dick', 'Herman Melville'), fileName: 'herman melville - moby dick.epub' },
      { ...record(5, 'Emma', 'Jane Austen'), fileName: 'Emma.epub' },
      { ...record(6, 'Persuasion', 'Jane Austen'), fileName: 'Jane Austen - Persuasion.epub.epub' }
    ]
    const hits = [...derivable, ...kept].map(book => ({ book, providers: [] }))
    const page: SearchPage = { total: hits.length, totalIsEstimate: false, hits, validUntil: Infinity }
    const replies = new SearchReplies()
    const fileNames = (bytes: Uint8Array): string[] => decodeMessage(SEARCH.response, bytes).results.map(r => r.book?.fileName ?? '?')
    const derived = replies.encode(page, { derivedFileNames: true })
    assert.deepEqual(derived, SEARCH.response.codec.encode(replies.reply(page, { derivedFileNames: true })))
    assert.deepEqual(fileNames(derived), ['', '', '', ...kept.map(b => b.fileName)])
    for (const plain of [replies.encode(page), replies.encode(page, { derivedFileNames: false })]) {
      assert.deepEqual(plain, SEARCH.response.codec.encode(replies.reply(page)))
      assert.deepEqual(fileNames(plain), hits.map(h => h.book.fileName))
    }
    assert.ok(derived.byteLength < replies.encode(page).byteLength)
  })

  it('writes book IDs (read as base32 by a loop of its own) as the generated codec does', () => {
    const replies = new SearchReplies()
    // 300 real IDs; then one given in another base (base58), written as the same bytes
    const hits = Array.from({ length: 300 }, (_, i) => ({ book: record(1000 + i, `book ${i}`), providers: [] }))
    const page: SearchPage = { total: hits.length, totalIsEstimate: false, hits, validUntil: Infinity }
    assert.deepEqual(replies.encode(page), SEARCH.response.codec.encode(replies.reply(page)))
    const { id } = record(7, 'x')
    const base58: SearchPage = { ...page, hits: [{ book: { ...record(7, 'x'), id: CID.parse(id).toString(base58btc) }, providers: [] }] }
    assert.deepEqual(replies.encode(base58), SEARCH.response.codec.encode(replies.reply({ ...base58, hits: [{ book: record(7, 'x'), providers: [] }] })))
  })
})
