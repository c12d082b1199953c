// The page's pure helpers: rates as people type them, and what the search box holds.
import assert from 'node:assert/strict'
import { bytes, duration, parseRate, rateText, searchInput } from '../../../src/ui/format.js'

describe('ui format', () => {
  it('reads a rate as the CLI does, and writes it back', () => {
    assert.equal(parseRate('2MiB/s'), 2 * 1024 * 1024)
    assert.equal(parseRate('512 KiB'), 512 * 1024)
    assert.equal(parseRate('1048576'), 1048576)
    assert.equal(parseRate('1.5m'), 1572864)
    assert.equal(parseRate(''), null)
    assert.equal(parseRate('unlimited'), null)
    assert.equal(parseRate('fast'), undefined)
    assert.equal(parseRate('2 parsecs'), undefined)
    assert.equal(rateText(2 * 1024 * 1024), '2MiB/s')
    assert.equal(rateText(1000), '1000')
    assert.equal(rateText(null), '')
  })

  it('tells a book link and a book ID from words', () => {
    const id = 'baga3n2ibciqoi2ksf24nxytuikf7svxzihtafwkarsgdkaxfpp5opmk7r4kblri'
    assert.deepEqual(searchInput(id), { kind: 'id', id })
    assert.deepEqual(searchInput(` <arkshare:${id}?title=Moby> `), { kind: 'link', id, link: `arkshare:${id}?title=Moby` })
    assert.deepEqual(searchInput(`ARKSHARE://${id}/`), { kind: 'link', id, link: `ARKSHARE://${id}/` })
    assert.deepEqual(searchInput('moby dick'), { kind: 'words' })
    assert.deepEqual(searchInput('bartleby'), { kind: 'words' })
  })

  it('writes sizes and durations for people', () => {
    assert.equal(bytes(512), '512 B')
    assert.equal(bytes(3 * 1024 * 1024 + 5), '3.0 MiB')
    assert.equal(duration(75), '1 min 15 s')
    assert.equal(duration(null), '–')
  })
})
