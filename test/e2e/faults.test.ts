// Hard faults with real processes: a downloader killed mid-book resumes; a killed peer's lease lapses;
// a killed index restarts consistent; a folder the user may not write is refused cleanly.
import assert from 'node:assert/strict'
import { chmod, mkdir, readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { cliPath, startCli, stopCli, type CliProcess } from '../../scripts/cli-process.js'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, eventually, removeDir, skipBecause, tempDir, writeBook, LOOPBACK } from '../helpers.js'

const NOBODY = { uid: 65534, gid: 65534 }

/** Whether the user "nobody" can start the built CLI (every folder on its path open to others). */
async function runsAsNobody (): Promise<boolean> {
  try {
    await promisify(execFile)(process.execPath, [cliPath(), '--help'], { ...NOBODY, timeout: 30_000 })
    return true
  } catch {
    return false
  }
}

describe('hard faults (real processes)', function () {
  this.timeout(120_000)
  let dir: string
  const procs: CliProcess[] = []

  beforeEach(async () => { dir = await tempDir('arkshare-faults-') })
  afterEach(async () => {
    await Promise.all(procs.splice(0).map(async p => { await stopCli(p) }))
    await removeDir(dir)
  })

  function cli (args: string[]): CliProcess {
    const p = startCli(args)
    procs.push(p)
    return p
  }

  /** A peer process sharing one new book, once its shelf holds it. */
  async function sharingPeer (indexAddr: string, fileName: string, seed: number): Promise<CliProcess> {
    await writeBook(join(dir, 'shelf'), fileName, bookBytes(seed, 20_000))
    const peer = cli(['node', '--index', indexAddr, '--share', join(dir, 'shelf'), '--downloads', join(dir, 'dl'), '--data', join(dir, 'p'), '--listen', LOOPBACK, '--json'])
    await peer.waitFor(e => e.event === 'shelf' && e.books === 1)
    return peer
  }

  /** How many results a one-shot `arkshare search` prints. */
  async function resultCount (indexAddr: string, words: string): Promise<number> {
    const s = startCli(['search', words, '--index', indexAddr, '--json'], { stdin: 'ignore' })
    await s.exited
    return s.events.length
  }

  async function startIndex (extra: string[] = []): Promise<string> {
    const index = cli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json', ...extra])
    return (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
  }

  it('fails a download into a folder it may not write with one clear line, leaving nothing behind', async function () {
    // root writes anywhere: the download then runs as "nobody", who must be able to reach the CLI
    const root = process.getuid?.() === 0
    if (root) await chmod(dir, 0o755)
    if (root && !await runsAsNobody()) {
      skipBecause(this, `the user "nobody" cannot run ${cliPath()} (a folder on its path is closed to others, as in a 0700 clone or under /root)`)
    }
    const source = await writeBook(join(dir, 'shelf'), 'Locked - Out.txt', bookBytes(43, 300_000))
    const id = bookIdOf(await hashFile(source)).toString()
    const indexAddr = await startIndex()
    const provider = cli(['node', '--index', indexAddr, '--share', join(dir, 'shelf'), '--downloads', join(dir, 'p-dl'), '--data', join(dir, 'p'), '--listen', LOOPBACK, '--json'])
    await provider.waitFor(e => e.event === 'shelf' && e.books === 1)
    const out = join(dir, 'locked')
    await mkdir(out)
    await chmod(out, 0o555)
    const asNobody = root ? NOBODY : {}
    const get = startCli(['get', id, '--index', indexAddr, '--out', out], { stdin: 'ignore', ...asNobody })
    assert.equal(await get.exited, 1)
    const lines = get.stderr().trim().split('\n')
    assert.equal(lines.length, 1, get.stderr())
    assert.match(lines[0], /permission denied|EACCES/i)
    assert.deepEqual(await readdir(out), [], 'no partial or final file')
  })

  it('resumes a download killed with SIGKILL from the verified chunks on disk', async () => {
    const bytes = bookBytes(41, 6 * 1024 * 1024)
    const source = await writeBook(join(dir, 'shelf'), 'Marcel Proust - Swann\'s Way.txt', bytes)
    const id = bookIdOf(await hashFile(source)).toString()
    const indexAddr = await startIndex()
    const provider = cli(['node', '--index', indexAddr, '--share', join(dir, 'shelf'), '--downloads', join(dir, 'p-dl'), '--data', join(dir, 'p'), '--listen', LOOPBACK, '--max-upload', '2MiB/s', '--json'])
    await provider.waitFor(e => e.event === 'shelf' && e.books === 1)
    const out = join(dir, 'out')

    const first = cli(['get', id, '--index', indexAddr, '--out', out, '--json'])
    await first.waitFor(e => e.event === 'progress' && e.percent >= 40, 60_000)
    first.child.kill('SIGKILL')
    await first.exited
    const lastReported = [...first.events].reverse().find(e => e.event === 'progress')?.bytes as number
    const leftovers = (await readdir(out)).sort()
    assert.deepEqual(leftovers, ["Marcel Proust - Swann's Way.txt.arkpart", "Marcel Proust - Swann's Way.txt.arkstate"], 'only the partial download, under its own names')

    const second = cli(['get', id, '--index', indexAddr, '--out', out, '--json'])
    const done = await second.waitFor(e => e.event === 'done', 60_000)
    assert.ok((await readFile(done.path)).equals(bytes))
    assert.ok(done.resumedBytes >= lastReported, `kept ${done.resumedBytes} of the ${lastReported} bytes reported before the kill`)
    assert.equal(done.bytesFetched, bytes.byteLength - done.resumedBytes, 'nothing verified was fetched again')
    assert.deepEqual(await readdir(out), ["Marcel Proust - Swann's Way.txt"])
  })

  it('drops a SIGKILLed peer when its lease lapses, even with a long disconnect grace', async () => {
    const indexAddr = await startIndex(['--ttl', '5', '--grace', '600'])
    const peer = await sharingPeer(indexAddr, 'Franz Kafka - The Trial.txt', 42)
    const search = async (): Promise<number> => await resultCount(indexAddr, 'kafka')
    await eventually(async () => await search() === 1, 15_000, 'registered')
    peer.child.kill('SIGKILL')
    await peer.exited
    // within the grace period only the lease can remove it: 5 s, then the sweep
    await eventually(async () => await search() === 0, 20_000, 'lease lapsed')
  })

  it('stops cleanly on SIGTERM, withdrawing its books at once', async () => {
    const indexAddr = await startIndex(['--grace', '600'])
    const peer = await sharingPeer(indexAddr, 'Herman Hesse - Siddhartha.txt', 43)
    const count = async (): Promise<number> => await resultCount(indexAddr, 'siddhartha')
    await eventually(async () => await count() === 1, 15_000, 'registered')
    peer.child.kill('SIGTERM')
    // (the CLI forces its exit after 5 s if a clean stop hangs; exit code 0 means it stopped cleanly)
    assert.equal(await peer.exited, 0)
    assert.ok(peer.events.some(e => e.event === 'stopped'))
    // unregistered, not merely disconnected: gone although the grace period is ten minutes
    assert.equal(await count(), 0)
  })

  it('restarts an index SIGKILLed while peers register with a consistent catalog, and the peers come back', async () => {
    const shelves = [0, 1, 2].map(p => join(dir, `shelf-${p}`))
    for (const [p, shelf] of shelves.entries()) {
      for (let i = 0; i < 40; i++) await writeBook(shelf, `Author${p} - Volume ${p * 100 + i}.txt`, bookBytes(1000 + p * 100 + i, 2000))
    }
    const indexArgs = (listen: string): string[] => ['index', '--listen', listen, '--data', join(dir, 'index'), '--json', '--grace', '600']
    const first = cli(indexArgs(LOOPBACK))
    const indexAddr: string = (await first.waitFor(e => e.event === 'listening')).multiaddrs[0]
    const peers = shelves.map((shelf, p) => cli(['node', '--index', indexAddr, '--share', shelf, '--downloads', join(dir, `dl-${p}`), '--data', join(dir, `p-${p}`), '--listen', LOOPBACK, '--json']))
    // killed as the first registrations arrive
    await peers[0].waitFor(e => e.event === 'shelf')
    first.child.kill('SIGKILL')
    await first.exited

    const db = new Database(join(dir, 'index', 'index.db'))
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok')
      assert.deepEqual(db.pragma('foreign_key_check'), [])
    } finally {
      db.close()
    }
    const port = indexAddr.split('/')[4]
    const second = cli(indexArgs(`/ip4/127.0.0.1/tcp/${port}`))
    await second.waitFor(e => e.event === 'listening')
    // the peers notice the dropped connection and register again with the same index
    await eventually(async () => await resultCount(indexAddr, 'volume') === 50, 30_000, 'first page full')
    const stats = startCli(['stats', '--index', indexAddr, '--json'], { stdin: 'ignore' })
    await stats.exited
    assert.equal(stats.events[0]?.books, 120, JSON.stringify(stats.events))
  })
})
