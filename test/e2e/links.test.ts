// Book links from the command line: `arkshare link` for a file (hashed) or an ID (the index fills
// in the rest), the shell's `link`, and `arkshare get <link>` fetching from the link's provider
// with no index at all.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { cliPath, startCli, stopCli, type CliProcess } from '../../scripts/cli-process.js'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { parseBookLink } from '../../src/peer/index.js'
import { bookBytes, removeDir, tempDir, writeBook, LOOPBACK } from '../helpers.js'

const run = promisify(execFile)

async function cli (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath(), ...args], { timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number, stdout?: string, stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

describe('book links through the CLI', function () {
  this.timeout(120_000)
  let dir: string
  let indexAddr: string
  let sharer: CliProcess
  let sharerAddr: string
  let book: { path: string, id: string, bytes: Buffer }
  const procs: CliProcess[] = []

  before(async () => {
    dir = await tempDir('arkshare-e2e-links-')
    const path = await writeBook(join(dir, 'shelf'), 'Jonathan Swift - Gulliver\'s Travels.txt', bookBytes(601, 400_000))
    book = { path, id: bookIdOf(await hashFile(path)).toString(), bytes: await readFile(path) }
    const index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json'])
    procs.push(index)
    indexAddr = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
    sharer = startCli(['node', '--index', indexAddr, '--share', join(dir, 'shelf'), '--downloads', join(dir, 'sharer', 'dl'), '--data', join(dir, 'sharer', 'data'), '--listen', LOOPBACK, '--json'])
    procs.push(sharer)
    sharerAddr = (await sharer.waitFor(e => e.event === 'listening')).multiaddrs[0]
    await sharer.waitFor(e => e.event === 'shelf' && e.books === 1)
  })

  after(async () => {
    await Promise.all(procs.map(async p => { await stopCli(p) }))
    await removeDir(dir)
  })

  it('prints the link of a file, hashed here, with the providers it is given', async () => {
    const r = await cli(['link', book.path])
    assert.equal(r.code, 0, r.stderr)
    const link = parseBookLink(r.stdout.trim())
    assert.deepEqual(link, { id: link.id, title: 'Gulliver\'s Travels', size: 400_000, name: 'Jonathan Swift - Gulliver\'s Travels.txt', peers: [] })
    assert.equal(link.id.toString(), book.id)
    const withPeer = await cli(['link', book.path, '--peer', sharerAddr, '--json'])
    const event = JSON.parse(withPeer.stdout)
    assert.deepEqual([event.event, event.id, parseBookLink(event.link).peers], ['link', book.id, [sharerAddr]])
  })

  it('prints the link of an ID with what the index knows, or the ID alone', async () => {
    const r = await cli(['link', book.id, '--index', indexAddr])
    assert.equal(r.code, 0, r.stderr)
    const link = parseBookLink(r.stdout.trim())
    assert.equal(link.title, 'Gulliver\'s Travels')
    assert.equal(link.peers.length, 1)
    assert.match(link.peers[0], new RegExp(`/p2p/${sharer.events[0].peerId as string}$`))
    assert.equal((await cli(['link', book.id])).stdout.trim(), `arkshare:${book.id}`)
    const bad = await cli(['link', 'not-an-id'])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /^arkshare: .*not a book ID/)
  })

  it('gives a link from the shell naming the node itself', async () => {
    const before = sharer.events.length
    sharer.send(`link ${book.id}`)
    const event = await sharer.waitFor(e => sharer.events.lastIndexOf(e) >= before && e.event === 'link')
    assert.deepEqual(parseBookLink(event.link).peers, [sharerAddr])
  })

  it('downloads by a link from its provider with no index at all, and wants one for a link without providers', async () => {
    const out = join(dir, 'by-link')
    const r = await cli(['get', `arkshare:${book.id}?peer=${sharerAddr}`, '--out', out, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const done = r.stdout.trim().split('\n').map(l => JSON.parse(l)).find(e => e.event === 'done')
    assert.ok((await readFile(done.path)).equals(book.bytes))
    const bare = await cli(['get', `arkshare:${book.id}`, '--out', out])
    assert.notEqual(bare.code, 0)
    assert.match(bare.stderr, /give --index/)
  })
})
