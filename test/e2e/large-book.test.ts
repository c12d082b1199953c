// A book just over 2 GiB, as a user shares and gets it: its size crosses 2^31, where protons-runtime
// encoded uint64 values wrongly (the listing made every search reply undecodable, the manifest sent
// stale memory). The file is sparse on the sharing side; the download writes it all and checks
// every chunk.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, open, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { cliPath, startCli, stopCli, type CliProcess } from '../../scripts/cli-process.js'
import { bookBytes, eventually, removeDir, tempDir, LOOPBACK } from '../helpers.js'

const run = promisify(execFile)
const SIZE = 2 ** 31 + 1
/** The non-zero bytes, [offset, length]: the start, the end of the 8,192nd chunk, and the last chunk (one byte). */
const MARKS = [[0, 100_000], [2 ** 31 - 100_000, 100_000], [2 ** 31, 1]]

describe('a book just over 2 GiB', function () {
  this.timeout(240_000)
  let dir: string
  const procs: CliProcess[] = []

  before(async () => { dir = await tempDir('arkshare-large-') })
  after(async () => {
    await Promise.all(procs.map(async p => { await stopCli(p) }))
    await removeDir(dir)
  })

  it('is listed with its exact size and downloads whole, verified', async () => {
    const source = join(dir, 'shelf', 'Edward Gibbon - Decline and Fall (complete).txt')
    await mkdir(join(dir, 'shelf'))
    const file = await open(source, 'w')
    await file.truncate(SIZE)
    for (const [i, [at, length]] of MARKS.entries()) {
      const marker = bookBytes(i + 1, length)
      await file.write(marker, 0, marker.byteLength, at)
    }
    await file.close()

    const index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json'])
    procs.push(index)
    const indexAddr = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
    const sharer = startCli(['node', '--index', indexAddr, '--share', join(dir, 'shelf'), '--data', join(dir, 'sharer'), '--downloads', join(dir, 'sharer-dl'), '--listen', LOOPBACK, '--json'])
    procs.push(sharer)
    await sharer.waitFor(e => e.event === 'listening', 120_000)

    const found = await eventually(async () => {
      const { stdout } = await run(process.execPath, [cliPath(), 'search', 'gibbon', 'decline', '--index', indexAddr, '--json'])
      const results = stdout.split('\n').filter(l => l.trim() !== '').map(l => JSON.parse(l))
      return results.length === 1 ? results[0] : undefined
    }, 120_000, 'the 2 GiB book listed')
    assert.equal(found.size, SIZE)

    const { stdout } = await run(process.execPath, [cliPath(), 'get', found.id, '--index', indexAddr, '--out', join(dir, 'got'), '--json'], { timeout: 200_000, maxBuffer: 16 * 1024 * 1024 })
    const done = stdout.split('\n').filter(l => l.includes('"done"')).map(l => JSON.parse(l))[0]
    assert.equal(done.bytes, SIZE)
    assert.equal((await stat(done.path)).size, SIZE)
    const got = await open(done.path, 'r')
    try {
      for (const [i, [at, length]] of MARKS.entries()) {
        const expected = bookBytes(i + 1, length)
        const actual = Buffer.alloc(expected.byteLength)
        await got.read(actual, 0, actual.byteLength, at)
        assert.ok(actual.equals(expected), `bytes at ${at} differ`)
      }
    } finally {
      await got.close()
    }
  })
})
