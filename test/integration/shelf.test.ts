// The shelf on a real folder: hashing once (cache across restarts), links, ignored names.
import assert from 'node:assert/strict'
import { mkdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Shelf } from '../../src/peer/serving/shelf.js'
import { HashCache } from '../../src/peer/serving/hash-cache.js'
import { hashFile } from '../../src/content/hash-file.js'
import { readBookFile } from '../../src/content/book-file.js'
import { loadOrCreateKey, KEY_FILE } from '../../src/node/identity.js'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { bookIdOf } from '../../src/content/book-id.js'
import { bookBytes, eventually, removeDir, rewriteInPlace, tempDir, writeBook } from '../helpers.js'

describe('shelf', () => {
  let dir: string
  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => { await removeDir(dir) })

  it('hashes each file once: a restart with the same cache re-hashes nothing', async () => {
    const share = join(dir, 'share')
    await writeBook(share, 'Homer - The Iliad.txt', bookBytes(1, 300_000))
    await writeBook(join(share, 'sub', 'deeper'), 'Virgil - Aeneid.epub', bookBytes(2, 1000))
    const hashed: string[] = []
    const read = async (path: string): ReturnType<typeof readBookFile> => { hashed.push(path); return await readBookFile(path) }
    // files must have settled (written over a second ago) before they are hashed
    await new Promise(resolve => setTimeout(resolve, 1100))

    const cache1 = new HashCache(join(dir, 'cache.db'))
    const first = new Shelf({ dirs: [share], cache: cache1, watch: false, read })
    await first.start()
    assert.equal(first.list().length, 2)
    assert.equal(hashed.length, 2)
    await first.stop()
    cache1.close()

    const cache2 = new HashCache(join(dir, 'cache.db'))
    const second = new Shelf({ dirs: [share], cache: cache2, watch: false, read })
    await second.start()
    assert.equal(second.list().length, 2)
    assert.equal(hashed.length, 2, 'nothing hashed again after a restart')
    assert.deepEqual(second.list().map(e => e.title).sort(), ['Aeneid', 'The Iliad'])
    await second.stop()
    cache2.close()
  })

  it('lists what the hash cache remembers at once, where it shares now, and the first scan drops what went away', async () => {
    const share = join(dir, 'share')
    const unshared = join(dir, 'unshared')
    await writeBook(share, 'Homer - The Iliad.txt', bookBytes(11, 3000))
    await writeBook(share, 'Homer - The Odyssey.txt', bookBytes(12, 3000))
    await writeBook(unshared, 'Private - Diary.txt', bookBytes(13, 3000))
    await new Promise(resolve => setTimeout(resolve, 1100))
    const cache1 = new HashCache(join(dir, 'cache.db'))
    const first = new Shelf({ dirs: [share, unshared], cache: cache1, watch: false })
    await first.start()
    await first.stop()
    cache1.close()

    await rm(join(share, 'Homer - The Odyssey.txt'))
    const cache2 = new HashCache(join(dir, 'cache.db'))
    // a scan held back until the test lets it go (a new file would be read through `read`)
    await writeBook(share, 'Virgil - Aeneid.txt', bookBytes(14, 3000))
    await utimes(join(share, 'Virgil - Aeneid.txt'), new Date(), new Date(Date.now() - 5_000))
    let release = (): void => {}
    const held = new Promise<void>(resolve => { release = resolve })
    const read = async (path: string): ReturnType<typeof readBookFile> => { await held; return await readBookFile(path) }
    const second = new Shelf({ dirs: [share], cache: cache2, watch: false, read })
    try {
      await second.open()
      assert.deepEqual(second.list().map(e => e.title).sort(), ['The Iliad', 'The Odyssey'], 'remembered, not the folder no longer shared')
      release()
      await second.whenScanned()
      assert.deepEqual(second.list().map(e => e.title).sort(), ['Aeneid', 'The Iliad'])
    } finally {
      await second.stop()
      cache2.close()
    }
  })

  it('hashes again a file rewritten while it was being hashed, and lists only its final content', async () => {
    const share = join(dir, 'share')
    const path = await writeBook(share, 'Changing - Book.txt', bookBytes(5, 8 * 1024 * 1024))
    const first = bookIdOf(await hashFile(path)).toString()
    const final = bookBytes(6, 8 * 1024 * 1024)
    await new Promise(resolve => setTimeout(resolve, 1100))
    let calls = 0
    const read = async (p: string): ReturnType<typeof readBookFile> => {
      calls++
      const hashing = readBookFile(p)
      // it may fail (the file changed) before we await it: that is handled below, not unhandled
      hashing.catch(() => {})
      if (calls === 1) {
        // rewritten in place (same size) while the first hash reads it; dated in the past, so settled
        await rewriteInPlace(p, final)
      }
      return await hashing
    }
    const shelf = new Shelf({ dirs: [share], watch: false, read })
    try {
      await shelf.start()
      const entry = await eventually(() => shelf.list()[0], 10_000, 'the file listed')
      assert.equal(entry.id, bookIdOf(await hashFile(path)).toString())
      assert.notEqual(entry.id, first)
      assert.equal(shelf.list().length, 1)
      assert.ok(calls >= 2, `hashed ${calls} time(s)`)
    } finally {
      await shelf.stop()
    }
  })

  it('shares links inside the share, but not links out of it, hidden files or partial downloads', async () => {
    const share = join(dir, 'share')
    const outside = join(dir, 'outside')
    await writeBook(share, 'Inside.txt', 'inside')
    await writeBook(share, '.hidden.txt', 'hidden')
    await writeBook(share, 'Book.txt.arkpart', 'partial')
    await writeBook(outside, 'Secret.txt', 'secret')
    await symlink(join(outside, 'Secret.txt'), join(share, 'Leak.txt'))
    await symlink(join(share, 'Inside.txt'), join(share, 'Alias.txt'))
    await new Promise(resolve => setTimeout(resolve, 1100))
    const shelf = new Shelf({ dirs: [share], watch: false })
    await shelf.start()
    const names = shelf.list().map(e => e.fileName).sort()
    await shelf.stop()
    // Alias and Inside are the same bytes: one book
    assert.equal(names.length, 1)
    assert.ok(['Alias.txt', 'Inside.txt'].includes(names[0]))
  })

  it('never shares the data folder, even when it lies inside a shared folder', async () => {
    const share = join(dir, 'share')
    await writeBook(share, 'Book.txt', 'a book')
    await writeBook(join(share, '.arkshare-data'), 'peer.key', 'secret key')
    await writeBook(join(share, 'data'), 'hash-cache.db', 'database')
    await new Promise(resolve => setTimeout(resolve, 1100))
    const shelf = new Shelf({ dirs: [share], exclude: [join(share, 'data')], watch: false })
    await shelf.start()
    assert.deepEqual(shelf.list().map(e => e.fileName), ['Book.txt'])
    await shelf.stop()
  })

  it('says plainly when a shared folder does not exist or is a file', async () => {
    await assert.rejects(new Shelf({ dirs: [join(dir, 'missing')], watch: false }).start(), /cannot share .*missing: no such folder/)
    const file = await writeBook(dir, 'file.txt', 'x')
    await assert.rejects(new Shelf({ dirs: [file], watch: false }).start(), /not a folder/)
  })

  it('keeps the peer key across restarts, readable by its owner only', async () => {
    const data = join(dir, 'data')
    const a = await loadOrCreateKey(data)
    const b = await loadOrCreateKey(data)
    assert.equal(peerIdFromPrivateKey(a).toString(), peerIdFromPrivateKey(b).toString())
    assert.equal((await stat(join(data, KEY_FILE))).mode & 0o777, 0o600)
    await mkdir(join(dir, 'bad'))
    await writeFile(join(dir, 'bad', KEY_FILE), 'garbage')
    await assert.rejects(loadOrCreateKey(join(dir, 'bad')), /cannot read the peer key/)
  })
})
