// The download list as a user drives it through `arkshare node`'s shell: get queues and returns,
// downloads lists, pause/resume/cancel/clear act by number or ID, --max-active-downloads caps what
// runs, a node stopped mid-download resumes by itself, and a damaged list stops the node with one line.
import assert from 'node:assert/strict'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startCli, stopCli, type CliProcess } from '../../scripts/cli-process.js'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, removeDir, tempDir, writeBook, LOOPBACK } from '../helpers.js'

describe('download list through the CLI', function () {
  this.timeout(120_000)
  let dir: string
  let indexAddr: string
  const procs: CliProcess[] = []
  const books: Array<{ id: string, bytes: Buffer }> = []

  function cli (args: string[]): CliProcess {
    const p = startCli(args)
    procs.push(p)
    return p
  }

  function node (name: string, extra: string[] = []): CliProcess {
    return cli(['node', '--index', indexAddr, '--downloads', join(dir, name, 'dl'), '--data', join(dir, name, 'data'), '--listen', LOOPBACK, '--json', ...extra])
  }

  /** Sends a shell command and waits for the event that answers it (only events after the send count). */
  async function command (p: CliProcess, line: string, ends: (e: Record<string, any>) => boolean): Promise<Record<string, any>> {
    const before = p.events.length
    p.send(line)
    return await p.waitFor(e => p.events.lastIndexOf(e) >= before && ends(e), 60_000)
  }

  before(async () => {
    dir = await tempDir('arkshare-e2e-downloads-')
    for (let i = 0; i < 3; i++) {
      const path = await writeBook(join(dir, 'shelf'), `Writer ${i} - Volume ${i}.txt`, bookBytes(200 + i, 3 * 1024 * 1024))
      books.push({ id: bookIdOf(await hashFile(path)).toString(), bytes: await readFile(path) })
    }
    const index = cli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json'])
    indexAddr = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
    const provider = node('provider', ['--share', join(dir, 'shelf'), '--max-upload', '1MiB/s'])
    await provider.waitFor(e => e.event === 'shelf' && e.books === 3)
  })

  after(async () => {
    await Promise.all(procs.map(async p => { await stopCli(p) }))
    await removeDir(dir)
  })

  it('queues with get, runs one at a time, pauses, resumes, cancels and clears from the shell', async () => {
    const me = node('me', ['--max-active-downloads', '1'])
    await me.waitFor(e => e.event === 'listening')
    for (const book of books) {
      const queued = await command(me, `get ${book.id}`, e => e.event === 'queued' && e.id === book.id)
      assert.ok(queued.state === 'active' || queued.state === 'queued')
    }
    await me.waitFor(e => e.event === 'progress' && e.id === books[0].id && e.bytes >= 512 * 1024, 60_000)
    const list = async (): Promise<Array<Record<string, any>>> => {
      const before = me.events.length
      me.send('downloads')
      await me.waitFor(e => me.events.lastIndexOf(e) >= before && e.event === 'download' && e.id === books[2].id)
      return me.events.slice(before).filter(e => e.event === 'download')
    }
    assert.deepEqual((await list()).map(d => d.state), ['active', 'queued', 'queued'])

    assert.equal((await command(me, 'pause 1', e => e.event === 'download')).state, 'paused')
    // the place goes to the next in line
    await me.waitFor(e => e.event === 'progress' && e.id === books[1].id)
    assert.equal((await command(me, `cancel ${books[2].id}`, e => e.event === 'download')).state, 'cancelled')
    assert.equal((await command(me, 'resume 1', e => e.event === 'download')).state, 'queued')

    const done = await me.waitFor(e => e.event === 'done' && e.id === books[0].id, 60_000)
    assert.ok(done.resumedBytes > 0, 'resumed from the chunks kept on pause')
    assert.ok((await readFile(done.path)).equals(books[0].bytes))
    await me.waitFor(e => e.event === 'done' && e.id === books[1].id, 60_000)
    assert.deepEqual((await list()).map(d => d.state), ['done', 'done', 'cancelled'])
    assert.equal((await command(me, 'clear', e => e.event === 'cleared')).downloads, 3)
    assert.deepEqual((await readdir(join(dir, 'me', 'dl'))).sort(), ['Writer 0 - Volume 0.txt', 'Writer 1 - Volume 1.txt'])
    const refused = await command(me, 'resume 7', e => e.event === 'error')
    assert.match(refused.message, /no download #7/)
  })

  it('resumes a download by itself after the node is stopped mid-book and started again', async () => {
    const first = node('again')
    await first.waitFor(e => e.event === 'listening')
    // the book cancelled above: only the capped provider has it
    first.send(`get ${books[2].id}`)
    await first.waitFor(e => e.event === 'progress' && e.id === books[2].id && e.bytes >= 512 * 1024, 60_000)
    await stopCli(first)
    const second = node('again')
    // no get this time: the saved list starts it
    const done = await second.waitFor(e => e.event === 'done' && e.id === books[2].id, 60_000)
    assert.ok(done.resumedBytes >= 512 * 1024, `resumed ${done.resumedBytes as number}`)
    assert.ok((await readFile(done.path)).equals(books[2].bytes))
  })

  it('refuses to start on a damaged download list, with one line naming it', async () => {
    await writeBook(join(dir, 'broken', 'data'), 'downloads.json', '{"version": 1, "downloads": [{"id": "bafk')
    const broken = node('broken')
    assert.equal(await broken.exited, 1)
    const lines = broken.stderr().trim().split('\n')
    assert.equal(lines.length, 1, broken.stderr())
    assert.match(lines[0], /^arkshare: the download list .*downloads\.json is damaged: not JSON/)
    assert.equal(await readFile(join(dir, 'broken', 'data', 'downloads.json'), 'utf8'), '{"version": 1, "downloads": [{"id": "bafk')
    await writeFile(join(dir, 'broken', 'data', 'downloads.json'), '{"version": 1, "downloads": []}')
  })
})
