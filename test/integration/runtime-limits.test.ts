// Limits changed while transfers run: a lifted upload or download cap speeds up the download
// under way, more upload slots serve a queued downloader at once, fewer slots queue an upload
// that was running, and a bad value changes nothing.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { InvalidLimitError } from '../../src/peer/index.js'
import { bookBytes, useSwarm, waitForProviders, writeBook } from '../helpers.js'
import type { ArkshareNode } from '../../src/node/create-node.js'
import type { DownloadProgress } from '../../src/peer/index.js'

describe('limits changed at runtime', function () {
  this.timeout(60_000)
  const swarm = useSwarm()

  async function sharedBook (size: number, seed: number): Promise<{ id: string, bytes: Buffer }> {
    const bytes = bookBytes(seed, size)
    const path = await writeBook(join(swarm.dir, 'books'), `Author ${seed} - Book ${seed}.txt`, bytes)
    return { id: bookIdOf(await hashFile(path)).toString(), bytes }
  }

  async function provider (id: string, options: Parameters<typeof swarm.peer>[1]): Promise<ArkshareNode> {
    const node = await swarm.peer('provider', { share: [join(swarm.dir, 'books')], ...options })
    await waitForProviders(swarm.index, id, 1)
    return node
  }

  it('speeds up a download under way when the provider lifts its upload cap', async () => {
    // 4 MiB at 128 KiB/s would take 32 s
    const book = await sharedBook(4 * 1024 * 1024, 300)
    const p = await provider(book.id, { maxUploadBytesPerSecond: 128 * 1024 })
    assert.equal(p.services.arkshare.limits().maxUploadBytesPerSecond, 128 * 1024)
    const d = await swarm.peer('d')
    let liftedAt = 0
    const result = await d.services.arkshare.get(book.id, {
      onProgress: (progress) => {
        if (liftedAt === 0 && progress.bytesDone > 0) {
          liftedAt = Date.now()
          void p.services.arkshare.setLimits({ maxUploadBytesPerSecond: null })
        }
      }
    })
    assert.ok(liftedAt > 0)
    assert.ok(Date.now() - liftedAt < 16_000, `took ${Date.now() - liftedAt} ms after the cap was lifted`)
    assert.ok((await readFile(result.path)).equals(book.bytes))
    assert.equal(p.services.arkshare.limits().maxUploadBytesPerSecond, null)
  })

  it('speeds up a download under way when the downloader lifts its download cap', async () => {
    const book = await sharedBook(4 * 1024 * 1024, 301)
    await provider(book.id, {})
    // at 128 KiB/s, the first request (8 chunks, 2 MiB) alone waits 16 s for the budget
    const d = await swarm.peer('d', { maxDownloadBytesPerSecond: 128 * 1024 })
    let liftedAt = 0
    await d.services.arkshare.get(book.id, {
      onProgress: () => {
        if (liftedAt === 0) {
          liftedAt = Date.now()
          void d.services.arkshare.setLimits({ maxDownloadBytesPerSecond: null })
        }
      }
    })
    assert.ok(liftedAt > 0 && Date.now() - liftedAt < 16_000, `took ${Date.now() - liftedAt} ms after the cap was lifted`)
  })

  it('serves a queued downloader at once when a slot is added', async () => {
    const book = await sharedBook(1024 * 1024, 302)
    const p = await provider(book.id, { uploadSlots: 1, maxUploadBytesPerSecond: 512 * 1024 })
    const [d1, d2] = [await swarm.peer('d1'), await swarm.peer('d2')]
    let firstDone = 0
    let secondStarted = 0
    let added = false
    const first = d1.services.arkshare.get(book.id).then(() => { firstDone = Date.now() })
    await new Promise(resolve => setTimeout(resolve, 300))
    const second = d2.services.arkshare.get(book.id, {
      onProgress: (progress: DownloadProgress) => {
        if (!added && progress.queued.length > 0) {
          added = true
          void p.services.arkshare.setLimits({ uploadSlots: 2 })
        }
        if (secondStarted === 0 && progress.bytesDone > 0) secondStarted = Date.now()
      }
    })
    await Promise.all([first, second])
    assert.ok(added, 'the second downloader was queued')
    assert.ok(secondStarted > 0 && secondStarted < firstDone, 'the second download ran beside the first')
  })

  it('queues a running upload again when slots are taken away', async () => {
    // two requests of 8 chunks each per downloader: the slot is given up at the second
    const book = await sharedBook(4 * 1024 * 1024, 303)
    const p = await provider(book.id, { uploadSlots: 2, maxUploadBytesPerSecond: 2 * 1024 * 1024 })
    const [d1, d2] = [await swarm.peer('d1'), await swarm.peer('d2')]
    let lowered = false
    let queuedAfter = false
    const watch = (progress: DownloadProgress): void => {
      if (lowered && progress.queued.length > 0) queuedAfter = true
    }
    const both = Promise.all([d1.services.arkshare.get(book.id, { onProgress: watch }), d2.services.arkshare.get(book.id, { onProgress: watch })])
    await new Promise(resolve => setTimeout(resolve, 500))
    await p.services.arkshare.setLimits({ uploadSlots: 1 })
    lowered = true
    const results = await both
    assert.ok(queuedAfter, 'one of them was told its place in the queue')
    for (const result of results) assert.ok((await readFile(result.path)).equals(book.bytes))
  })

  it('changes nothing when a value is out of range', async () => {
    const p = await swarm.peer('p', { uploadSlots: 3, maxUploadBytesPerSecond: 1024 * 1024 })
    const before = p.services.arkshare.limits()
    await assert.rejects(p.services.arkshare.setLimits({ maxUploadBytesPerSecond: 5, uploadSlots: 0 }), (err: InvalidLimitError) => err.field === 'uploadSlots')
    assert.deepEqual(p.services.arkshare.limits(), before)
    assert.deepEqual(await p.services.arkshare.setLimits({ maxActiveDownloads: 5 }), { ...before, maxActiveDownloads: 5 })
  })

  it('saves changed limits in the settings file first, keeping its other lines, and changes nothing when it cannot', async () => {
    const file = await writeBook(join(swarm.dir, 'p'), 'arkshare.conf', '# mine\nshare = /books\n')
    const p = await swarm.peer('p', { settingsFile: file })
    await p.services.arkshare.setLimits({ maxUploadBytesPerSecond: 2 * 1024 * 1024, uploadSlots: 7 })
    assert.equal(await readFile(file, 'utf8'), '# mine\nshare = /books\nmax-upload = 2MiB/s\nupload-slots = 7\n')
    await p.services.arkshare.setLimits({ maxUploadBytesPerSecond: null })
    assert.equal(await readFile(file, 'utf8'), '# mine\nshare = /books\nmax-upload = unlimited\nupload-slots = 7\n')

    const q = await swarm.peer('q', { settingsFile: join(swarm.dir, 'gone', 'arkshare.conf') })
    const before = q.services.arkshare.limits()
    await assert.rejects(q.services.arkshare.setLimits({ uploadSlots: 2 }), /ENOENT/)
    assert.deepEqual(q.services.arkshare.limits(), before)
  })
})
