// The shelf's bookkeeping: one book per distinct content, and changes as the index should hear them.
import assert from 'node:assert/strict'
import { ShelfBooks, type ShelfEntry } from '../../../../src/peer/serving/shelf-books.js'

function entry (id: string, path: string, title = 'Title'): ShelfEntry {
  return { id, path, title, author: 'Author', format: 'txt', language: '', size: 10, fileName: path.split('/').at(-1) as string, mtimeMs: 1, manifest: { size: 10, chunkSize: 262144, chunkHashes: new Uint8Array(32) } }
}

describe('shelf books', () => {
  it('lists two files with the same bytes as one book, which stays while either file does', () => {
    const books = new ShelfBooks()
    books.set('/s/a.txt', entry('b1', '/s/a.txt'))
    books.set('/s/copy/a.txt', entry('b1', '/s/copy/a.txt'))
    assert.deepEqual(books.takeChange().added.map(e => e.id), ['b1'])
    books.set('/s/a.txt', undefined)
    assert.deepEqual(books.takeChange(), { added: [], removed: [] }, 'the copy still holds it (same listing: nothing to tell)')
    assert.equal(books.get('b1')?.path, '/s/copy/a.txt')
    books.set('/s/copy/a.txt', undefined)
    assert.deepEqual(books.takeChange(), { added: [], removed: ['b1'] })
    assert.equal(books.list().length, 0)
  })

  it('tells a renamed file (same bytes, new title and file name) as a changed listing, not as nothing', () => {
    const books = new ShelfBooks()
    books.set('/s/Old.txt', entry('b1', '/s/Old.txt', 'Old'))
    books.takeChange()
    books.set('/s/Old.txt', undefined)
    books.set('/s/New.txt', entry('b1', '/s/New.txt', 'New'))
    const change = books.takeChange()
    assert.deepEqual(change.removed, [])
    assert.deepEqual(change.added.map(e => [e.id, e.title, e.fileName]), [['b1', 'New', 'New.txt']])
  })

  it('finds the files below a folder, and only those', () => {
    const books = new ShelfBooks()
    books.set('/s/A/x.txt', entry('b1', '/s/A/x.txt'))
    books.set('/s/A/B/y.txt', entry('b2', '/s/A/B/y.txt'))
    books.set('/s/AB/z.txt', entry('b3', '/s/AB/z.txt'))
    assert.deepEqual(books.pathsUnder('/s/A').sort(), ['/s/A/B/y.txt', '/s/A/x.txt'])
  })
})
