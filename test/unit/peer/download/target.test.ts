import assert from 'node:assert/strict'
import { safeFileName } from '../../../../src/peer/download/target.js'

describe('download file names', () => {
  it('reduces untrusted names to a safe base name', () => {
    assert.equal(safeFileName('Moby Dick.epub', 'x'), 'Moby Dick.epub')
    assert.equal(safeFileName('../../etc/passwd', 'x'), '_.._etc_passwd')
    assert.equal(safeFileName('/abs/path.txt', 'x'), '_abs_path.txt')
    assert.equal(safeFileName('a\u0000b\u001fc.txt', 'x'), 'abc.txt')
    assert.equal(safeFileName('CON.txt', 'x'), '_CON.txt')
    assert.equal(safeFileName('..', 'fallback.txt'), 'fallback.txt')
    assert.equal(safeFileName('', 'fallback.txt'), 'fallback.txt')
    assert.equal(safeFileName('x.arkpart', 'fallback.txt'), 'fallback.txt')
    const long = safeFileName(`${'é'.repeat(300)}.epub`, 'x')
    assert.ok(Buffer.byteLength(long) <= 200 && long.endsWith('.epub'))
  })
})
