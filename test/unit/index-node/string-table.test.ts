import assert from 'node:assert/strict'
import { StringTable } from '../../../src/index-node/string-table.js'

describe('StringTable', () => {
  it('numbers each string once, the empty string too, and finds them again', () => {
    const table = new StringTable()
    const words = ['', 'en', 'fr', '', 'en', 'x'.repeat(300)]
    const ids = words.map(w => table.intern(w))
    assert.deepEqual(ids, [0, 1, 2, 0, 1, 3])
    assert.equal(table.size, 4)
    for (const w of words) assert.equal(table.nameOf(table.idOf(w)), w)
    assert.equal(table.idOf('de'), -1)
  })

  it('keeps finding every string as it grows past several rehashes', () => {
    const table = new StringTable()
    for (let i = 0; i < 5000; i++) table.intern(i % 7 === 0 ? '' : `w${i}`)
    assert.equal(table.size, 1 + 5000 - Math.ceil(5000 / 7))
    assert.equal(table.idOf(''), 0)
    assert.equal(table.nameOf(table.idOf('w4999')), 'w4999')
  })
})
