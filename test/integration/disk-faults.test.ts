// Faults on disk: a downloads folder that fills up or is read-only, a shared file deleted while it is being served.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import type { ArkshareNode } from '../../src/node/create-node.js'
import { bookBytes, eventually, rewriteInPlace, skipBecause, useSwarm, waitForProviders, writeBook } from '../helpers.js'

describe('disk faults', function () {
  this.timeout(60_000)
  const swarm = useSwarm()

  it('fails a download into a full disk with a clear error, nothing under the final name, no crash', async function () {
    const small = join(swarm.dir, 'tiny-disk')
    await mkdir(small)
    try {
      // a 1 MiB file system; where mounting is not allowed (not root, no tmpfs) this test cannot run
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { stdio: 'ignore' })
    } catch {
      skipBecause(this, 'cannot mount a small tmpfs here (needs root) to fill a disk')
    }
    try {
      const bytes = bookBytes(71, 3 * 1024 * 1024)
      const path = await writeBook(join(swarm.dir, 'shelf'), 'Big - Book.txt', bytes)
      const id = bookIdOf(await hashFile(path)).toString()
      await swarm.peer('sharer', { share: [join(swarm.dir, 'shelf')] })
      await waitForProviders(swarm.index, id, 1)
      const downloader = await swarm.peer('d')
      await assert.rejects(downloader.services.arkshare.get(id, { outDir: small }), /cannot write .*(ENOSPC|no space)/i)
      assert.ok(!(await readdir(small)).includes('Big - Book.txt'), 'nothing under the final name')
      // the node is still fine: the same book downloads elsewhere
      const ok = await downloader.services.arkshare.get(id, { outDir: join(swarm.dir, 'roomy') })
      assert.ok((await readFile(ok.path)).equals(bytes))
    } finally {
      execFileSync('umount', [small], { stdio: 'ignore' })
    }
  })

  it('fails a download into a read-only folder with a clear error, and the node carries on', async function () {
    const locked = join(swarm.dir, 'read-only')
    await mkdir(locked)
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', locked], { stdio: 'ignore' })
    } catch {
      skipBecause(this, 'cannot mount a read-only tmpfs here (needs root)')
    }
    try {
      const bytes = bookBytes(73, 600_000)
      const path = await writeBook(join(swarm.dir, 'shelf'), 'Read - Only.txt', bytes)
      const id = bookIdOf(await hashFile(path)).toString()
      await swarm.peer('sharer', { share: [join(swarm.dir, 'shelf')] })
      await waitForProviders(swarm.index, id, 1)
      const downloader = await swarm.peer('d')
      await assert.rejects(downloader.services.arkshare.get(id, { outDir: locked }), /read-only|EROFS/i)
      assert.deepEqual(await readdir(locked), [])
      const ok = await downloader.services.arkshare.get(id, { outDir: join(swarm.dir, 'writable') })
      assert.ok((await readFile(ok.path)).equals(bytes))
    } finally {
      execFileSync('umount', [locked], { stdio: 'ignore' })
    }
  })

  /** One 3 MiB book on two slow providers (a and b) and a downloader, for changing a's copy mid-download. */
  async function servedByTwo (seed: number, fileName: string): Promise<{ bytes: Uint8Array, id: string, pathA: string, a: ArkshareNode, b: ArkshareNode, downloader: ArkshareNode }> {
    const bytes = bookBytes(seed, 3 * 1024 * 1024)
    const shelfA = join(swarm.dir, 'a')
    const pathA = await writeBook(shelfA, fileName, bytes)
    await writeBook(join(swarm.dir, 'b'), fileName, bytes)
    const id = bookIdOf(await hashFile(pathA)).toString()
    const a = await swarm.peer('a', { share: [shelfA], maxUploadBytesPerSecond: 512 * 1024 })
    const b = await swarm.peer('b', { share: [join(swarm.dir, 'b')], maxUploadBytesPerSecond: 512 * 1024 })
    await waitForProviders(swarm.index, id, 2)
    return { bytes, id, pathA, a, b, downloader: await swarm.peer('d') }
  }

  it('withdraws a shared file deleted while it is being served; the download finishes elsewhere', async () => {
    const { bytes, id, pathA, a, b, downloader } = await servedByTwo(72, 'Vanishing - Book.txt')
    let removed: Promise<void> | undefined
    const result = await downloader.services.arkshare.get(id, {
      onProgress: (p) => { if (removed == null && p.bytesDone > 256 * 1024) removed = rm(pathA) }
    })
    await removed
    assert.ok((await readFile(result.path)).equals(bytes))
    // a's shelf notices and the index stops listing a
    await eventually(() => {
      const hit = swarm.index.services.index.search('vanishing').hits[0]
      return hit != null && hit.providers.every(p => p.peerId !== a.peerId.toString()) && hit.providers.some(p => p.peerId === b.peerId.toString())
    }, 20_000, 'a withdrawn')
  })

  it('stops serving a shared file rewritten while it is being served, and re-lists it under its new ID', async () => {
    const { bytes, id, pathA, a, b, downloader } = await servedByTwo(74, 'Rewritten - Book.txt')
    const other = bookBytes(75, bytes.length)
    let rewritten: Promise<void> | undefined
    const result = await downloader.services.arkshare.get(id, {
      onProgress: (p) => {
        if (rewritten == null && p.bytesDone > 256 * 1024) {
          // same size, new bytes, in place: only the modification time gives it away
          rewritten = rewriteInPlace(pathA, other)
        }
      }
    })
    await rewritten
    assert.ok((await readFile(result.path)).equals(bytes), 'every byte verified against the original book')
    // a re-hashes the file: it provides the new book, no longer the old one
    const newId = bookIdOf(await hashFile(pathA)).toString()
    await eventually(() => {
      const hitOld = swarm.index.services.index.catalog.search(undefined, { bookId: id }).hits[0]
      const hitNew = swarm.index.services.index.catalog.search(undefined, { bookId: newId }).hits[0]
      return hitOld != null && hitOld.providers.every(p => p.peerId !== a.peerId.toString()) &&
        hitOld.providers.some(p => p.peerId === b.peerId.toString()) &&
        hitNew?.providers.some(p => p.peerId === a.peerId.toString())
    }, 20_000, 'a re-listed under the new ID')
  })
})
