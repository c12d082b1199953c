// A large removal done a slice at a time holds the text index's compaction off until it is done:
// it then rebuilds from what is left, not part-way from listings about to go too.
import assert from 'node:assert/strict'
import { parseQuery } from '../../../../src/index-node/query.js'
import { COMPACT_MIN_DEAD } from '../../../../src/index-node/text-index/constants.js'
import { TextIndex } from '../../../../src/index-node/text-index/index.js'

const LISTINGS = COMPACT_MIN_DEAD + 20_000
const KEPT = 10
const filters = { now: 0, graceStart: 0, maxUnranked: Infinity }

/** Slots in use, dead ones included (compaction drops the dead ones). */
const slots = (index: TextIndex): number => (index as unknown as { parts: { store: { slots: number } } }).parts.store.slots

function filled (): TextIndex {
  const index = new TextIndex()
  index.setPeer(1, Infinity, null)
  for (let id = 1; id <= LISTINGS; id++) {
    index.add({ id, peer: 1, bookId: `book-${id}`, title: `common w${id}`, author: 'someone', fileName: `w${id}.epub`, format: 'epub', size: 1, language: 'en' })
  }
  return index
}

/** Removes every listing but the last KEPT ones, checking a search part-way. */
function removeAllButLast (index: TextIndex): void {
  for (let id = 1; id <= LISTINGS - KEPT; id++) {
    index.remove(id)
    if (id === COMPACT_MIN_DEAD + 10_000) {
      assert.deepEqual(index.search(parseQuery(`w${id + 1}`), filters, 0, 5).bookIds, [`book-${id + 1}`], 'a listing left is found')
      assert.equal(index.search(parseQuery(`w${id}`), filters, 0, 5).total, 0, 'a removed one is not')
    }
  }
}

describe('text index compaction held by a large write', () => {
  it('compacts part-way through a large removal when nothing holds it', () => {
    const index = filled()
    removeAllButLast(index)
    assert.ok(slots(index) < LISTINGS, `${slots(index)} slots`)
  })

  it('waits for the release, then rebuilds from what is left and answers the same', () => {
    const index = filled()
    const release = index.holdCompaction()
    const second = index.holdCompaction()
    removeAllButLast(index)
    assert.equal(slots(index), LISTINGS, 'no compaction while held')
    release()
    release() // a release counts once
    assert.equal(slots(index), LISTINGS, 'still held by the second holder')
    second()
    assert.equal(slots(index), KEPT)
    const page = index.search(parseQuery('common'), filters, 0, 100)
    assert.deepEqual([...page.bookIds].sort(), Array.from({ length: KEPT }, (_, i) => `book-${LISTINGS - KEPT + 1 + i}`).sort())
    assert.equal(index.search(parseQuery(`w${LISTINGS}`), filters, 0, 5).total, 1)
  })
})
