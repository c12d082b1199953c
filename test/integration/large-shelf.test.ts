// A shelf of a few thousand books in nested author folders: scanned and registered whole, changes
// in the middle noticed one by one (a book added, removed, renamed; a folder added and removed),
// and a restart served from the hash cache without reading a single book again.
import assert from 'node:assert/strict'
import { mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Shelf } from '../../src/peer/serving/shelf.js'
import { HashCache } from '../../src/peer/serving/hash-cache.js'
import { readBookFile } from '../../src/content/book-file.js'
import { eventually, removeDir, tempDir, useSwarm } from '../helpers.js'

const BOOKS = 2500

/** A word of letters only, different for every n. */
function word (n: number): string {
  let w = ''
  for (let x = n + 1; x > 0; x = Math.floor(x / 26)) w += String.fromCharCode(97 + x % 26)
  return `qz${w}`
}

function bookPath (root: string, n: number): string {
  const author = `Author ${word(100_000 + n % 150)}`
  return join(root, author[9].toUpperCase(), author, `${author} - Title ${word(n)}.txt`)
}

/** Writes the library, its files dated a minute ago (settled: nothing waits to be hashed). */
async function writeLibrary (root: string): Promise<void> {
  const past = new Date(Date.now() - 60_000)
  for (let n = 0; n < BOOKS; n++) {
    const path = bookPath(root, n)
    await mkdir(join(path, '..'), { recursive: true })
    await writeFile(path, `book ${n}\n${word(n)}\n`)
    await utimes(path, past, past)
  }
}

/** Titles on the shelf containing `w`. */
function titled (shelf: Shelf, w: string): string[] {
  return shelf.list().filter(e => e.title.split(' ').includes(w)).map(e => e.title)
}

describe('a shelf of a few thousand books', function () {
  this.timeout(120_000)

  describe('on its own', () => {
    let dir: string
    beforeEach(async () => { dir = await tempDir() })
    afterEach(async () => { await removeDir(dir) })

    it('reads each book once, notices changes in the middle one by one, and restarts from the cache without reading any', async () => {
      const root = join(dir, 'library')
      await writeLibrary(root)
      const reads: string[] = []
      const read = async (path: string): ReturnType<typeof readBookFile> => { reads.push(path); return await readBookFile(path) }
      const cache = new HashCache(join(dir, 'cache.db'))
      const shelf = new Shelf({ dirs: [root], cache, read, debounceMs: 50, rescanIntervalMs: 3_600_000 })
      const changes: Array<{ added: string[], removed: string[] }> = []
      shelf.addEventListener('change', (evt) => { changes.push({ added: evt.detail.added.map(e => e.title), removed: evt.detail.removed }) })
      await shelf.start()
      try {
        assert.equal(shelf.list().length, BOOKS)
        assert.equal(reads.length, BOOKS, 'every book read once')
        reads.length = 0
        changes.length = 0

        // added (written under an ignored name, then renamed into place), in a new author folder
        const added = join(root, 'N', 'New Author', `New Author - Title ${word(BOOKS)}.txt`)
        await mkdir(join(added, '..'), { recursive: true })
        await writeFile(`${added}.tmp`, 'a new book\n')
        await rename(`${added}.tmp`, added)
        await eventually(() => titled(shelf, word(BOOKS)).length === 1, 15_000, 'the added book')
        assert.deepEqual(reads, [added], 'only the new book read')

        // removed
        const middle = Math.floor(BOOKS / 2)
        await rm(bookPath(root, middle))
        await eventually(() => titled(shelf, word(middle)).length === 0, 15_000, 'the removed book gone')

        // renamed: the same bytes, a new title in the file name
        const from = bookPath(root, middle + 1)
        await rename(from, from.replace(word(middle + 1), word(BOOKS + 1)))
        await eventually(() => titled(shelf, word(BOOKS + 1)).length === 1, 15_000, 'the renamed book under its new title')
        assert.equal(titled(shelf, word(middle + 1)).length, 0, 'and no longer under the old one')
        assert.ok(changes.some(c => c.added.includes(`Title ${word(BOOKS + 1)}`) && c.removed.length === 0), 'the rename told as a changed listing')

        // a whole author folder removed
        const folder = join(bookPath(root, 7), '..')
        const inFolder = shelf.list().filter(e => e.path.startsWith(`${folder}/`)).length
        assert.ok(inFolder > 1)
        await rm(folder, { recursive: true })
        await eventually(() => shelf.list().length === BOOKS + 1 - 1 - inFolder, 15_000, 'the folder\'s books gone')
      } finally {
        await shelf.stop()
        cache.close()
      }

      reads.length = 0
      const cache2 = new HashCache(join(dir, 'cache.db'))
      const again = new Shelf({ dirs: [root], cache: cache2, read, watch: false })
      await again.start()
      try {
        assert.equal(again.list().length, shelf.list().length)
        assert.deepEqual(reads, [], 'nothing read again after a restart')
        assert.deepEqual(again.list().map(e => e.id).sort(), shelf.list().map(e => e.id).sort())
      } finally {
        await again.stop()
        cache2.close()
      }
    })
  })

  describe('registered with an index', () => {
    const swarm = useSwarm()

    it('is found whole, and the index follows a book added, removed and renamed', async () => {
      const root = join(swarm.dir, 'library')
      await writeLibrary(root)
      const peer = await swarm.peer('reader', { share: [root] })
      const index = swarm.index.services.index
      const found = (w: string): number => index.search(w).hits.length
      await eventually(() => index.catalog.bookCount(peer.peerId.toString()) === BOOKS, 30_000, `${BOOKS} books registered`)
      assert.equal(found(word(BOOKS - 1)), 1)

      const added = join(root, 'N', 'New Author', `New Author - Title ${word(BOOKS)}.txt`)
      await mkdir(join(added, '..'), { recursive: true })
      await writeFile(added, 'a new book\n')
      await eventually(() => found(word(BOOKS)) === 1, 15_000, 'the added book found')

      const middle = Math.floor(BOOKS / 2)
      await rm(bookPath(root, middle))
      await eventually(() => found(word(middle)) === 0, 15_000, 'the removed book gone')

      const from = bookPath(root, middle + 1)
      await rename(from, from.replace(word(middle + 1), word(BOOKS + 1)))
      await eventually(() => found(word(BOOKS + 1)) === 1, 15_000, 'the renamed book found under its new title')
      assert.equal(found(word(middle + 1)), 0, 'and not under the old one')
      assert.equal(index.catalog.bookCount(peer.peerId.toString()), BOOKS)
    })
  })
})
