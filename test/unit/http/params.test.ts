import assert from 'node:assert/strict'
import { bookId, page, peerId, searchWords } from '../../../src/http/api/params.js'
import { attachmentName } from '../../../src/http/api/shelf-file.js'
import { HttpError } from '../../../src/http/errors.js'

function field (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof HttpError && err.status === 400, String(err))
    return err.field
  }
  assert.fail('expected a 400')
}

const q = (text: string): URLSearchParams => new URLSearchParams(text)

describe('http request values', () => {
  it('takes 1 to 256 characters of search words', () => {
    assert.equal(searchWords(q('q=%20moby%20dick%20')), 'moby dick')
    assert.equal(searchWords(q(`q=${'a'.repeat(256)}`)).length, 256)
    assert.equal(field(() => searchWords(q(''))), 'q')
    assert.equal(field(() => searchWords(q('q=%20%20'))), 'q')
    assert.equal(field(() => searchWords(q(`q=${'a'.repeat(257)}`))), 'q')
  })

  it('takes pages within bounds', () => {
    assert.deepEqual(page(q(''), 50), { limit: 50, offset: 0 })
    assert.deepEqual(page(q('limit=10&offset=20'), 50), { limit: 10, offset: 20 })
    for (const bad of ['limit=0', 'limit=101', 'limit=1.5', 'limit=', 'limit=x']) assert.equal(field(() => page(q(bad), 50)), 'limit', bad)
    for (const bad of ['offset=-1', 'offset=100001', 'offset=1e3x']) assert.equal(field(() => page(q(bad), 50)), 'offset', bad)
  })

  it('takes book IDs and peer IDs in their forms only', () => {
    const id = 'baga3n2ibciqfuvrholohdbmpq3dpgizkystatbdwnhicja3odoutx2kmjbg23yi'
    assert.equal(bookId(id), id)
    for (const bad of ['../../etc/passwd', '', 'bafkqaaa', 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG']) assert.equal(field(() => bookId(bad)), 'id', bad)
    assert.equal(peerId(' 12D3KooWRuAabcEcCjBQAAZDmNbX6dmtshF5ewmjenF4c54zCQsQ'), '12D3KooWRuAabcEcCjBQAAZDmNbX6dmtshF5ewmjenF4c54zCQsQ')
    assert.equal(field(() => peerId('../x')), 'peerId')
  })

  it('gives attachments names safe in a header and on a disk', () => {
    assert.equal(attachmentName('Austen - Emma.epub'), 'Austen - Emma.epub')
    assert.equal(attachmentName('../../etc/passwd'), '_.._etc_passwd')
    assert.equal(attachmentName('a"b\\c\r\nd\u0000e.txt'), 'a_b_c__d_e.txt')
    assert.equal(attachmentName('...'), 'book')
    assert.equal(attachmentName('x'.repeat(300)).length, 200)
    assert.equal(attachmentName('Война и мир.txt'), 'Война и мир.txt')
  })
})
