import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { zipSync, strToU8 } from 'fflate'
import { metadataFromFileName, readBookMetadata, readEpubMetadata } from '../../../src/content/metadata.js'
import { generateShelves, proseFor, writeEpub } from '../../../scripts/sample-books.js'
import { removeDir, tempDir } from '../../helpers.js'
import { bookIdOf } from '../../../src/content/book-id.js'
import { hashFile } from '../../../src/content/hash-file.js'
import { readdir, stat } from 'node:fs/promises'

describe('book metadata', () => {
  let dir: string
  before(async () => { dir = await tempDir() })
  after(async () => { await removeDir(dir) })

  it('reads author and title from file names', () => {
    assert.deepEqual(metadataFromFileName('Jane Austen - Pride and Prejudice.epub'), { title: 'Pride and Prejudice', author: 'Jane Austen', format: 'epub', language: '' })
    assert.deepEqual(metadataFromFileName('/some/dir/Moby_Dick.TXT'), { title: 'Moby Dick', author: '', format: 'txt', language: '' })
    assert.deepEqual(metadataFromFileName('weird - name - with - dashes.pdf'), { title: 'name - with - dashes', author: 'weird', format: 'pdf', language: '' })
    assert.equal(metadataFromFileName('noext').format, '')
    assert.equal(metadataFromFileName('.hidden').title, '.hidden')
  })

  it('reads title, creator and language from an EPUB, non-ASCII included', async () => {
    const path = join(dir, 'whatever name.epub')
    await writeEpub(path, { title: 'Les Misérables', author: 'Victor Hugo', language: 'fr', chapters: ['Un.', 'Deux.'] })
    assert.deepEqual(await readEpubMetadata(path), { title: 'Les Misérables', author: 'Victor Hugo', language: 'fr' })
    assert.deepEqual(await readBookMetadata(path), { title: 'Les Misérables', author: 'Victor Hugo', format: 'epub', language: 'fr' })
  })

  it('falls back to the file name for a broken EPUB', async () => {
    const notZip = join(dir, 'Bram Stoker - Dracula.epub')
    await writeFile(notZip, 'this is not a zip')
    await assert.rejects(readEpubMetadata(notZip))
    assert.deepEqual(await readBookMetadata(notZip), { title: 'Dracula', author: 'Bram Stoker', format: 'epub', language: '' })

    const missingOpf = join(dir, 'Homer - Odyssey.epub')
    await writeFile(missingOpf, zipSync({
      mimetype: strToU8('application/epub+zip'),
      'META-INF/container.xml': strToU8('<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/gone.opf"/></rootfiles></container>')
    }))
    await assert.rejects(readEpubMetadata(missingOpf), /missing/)
    assert.equal((await readBookMetadata(missingOpf)).title, 'Odyssey')
  })
})

describe('sample books', () => {
  let dir: string
  before(async () => { dir = await tempDir() })
  after(async () => { await removeDir(dir) })

  it('writes EPUBs whose first entry is the stored mimetype', async () => {
    const path = join(dir, 'one.epub')
    await writeEpub(path, { title: 'T', author: 'A', chapters: proseFor('T', 5000) })
    const bytes = await readFile(path)
    assert.equal(bytes.readUInt32LE(0), 0x04034b50, 'local file header')
    assert.equal(bytes.readUInt16LE(8), 0, 'stored, not deflated')
    assert.equal(bytes.subarray(30, 38).toString(), 'mimetype')
    assert.equal(bytes.subarray(38, 58).toString(), 'application/epub+zip')
  })

  it('generates deterministic shelves with large books and books shared twice', async () => {
    const a = await generateShelves(join(dir, 'a'), 5)
    const b = await generateShelves(join(dir, 'b'), 5)
    const ids = new Map<string, number>()
    let large = 0
    for (let i = 0; i < 5; i++) {
      const names = (await readdir(a[i])).sort()
      assert.deepEqual(names, (await readdir(b[i])).sort())
      for (const name of names) {
        assert.ok((await readFile(join(a[i], name))).equals(await readFile(join(b[i], name))), `${name} is deterministic`)
        if ((await stat(join(a[i], name))).size >= 2 * 1024 * 1024) large++
        const id = bookIdOf(await hashFile(join(a[i], name))).toString()
        ids.set(id, (ids.get(id) ?? 0) + 1)
      }
    }
    assert.ok(large >= 2, 'at least two books of several MiB')
    assert.ok([...ids.values()].filter(n => n >= 2).length >= 2, 'at least two books on two shelves')
    const epub = (await readdir(a[0])).find(n => n.endsWith('.epub')) as string
    const meta = await readBookMetadata(join(a[0], epub))
    assert.ok(meta.title.length > 0 && meta.author.length > 0)
  })
})
