// The CLI as a user runs it: an index and five sharing peers as separate processes on loopback,
// one-shot search/get commands, and a peer driven through its stdin shell.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateShelves } from '../../scripts/sample-books.js'
import { cliPath, startCli, stopCli, type CliProcess } from '../../scripts/cli-process.js'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { bookBytes, eventually, removeDir, tempDir, LOOPBACK } from '../helpers.js'

const run = promisify(execFile)

interface RunResult { code: number, stdout: string, stderr: string }

async function cli (args: string[], timeoutMs = 60_000): Promise<RunResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath(), ...args], { timeout: timeoutMs })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number, stdout?: string, stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

function jsonLines (text: string): Array<Record<string, any>> {
  return text.split('\n').filter(l => l.trim() !== '').map(l => JSON.parse(l))
}

describe('arkshare CLI end to end', function () {
  this.timeout(120_000)
  let dir: string
  let shelves: string[]
  let index: CliProcess
  let indexAddr: string
  const peers: CliProcess[] = []
  let me: CliProcess

  async function search (words: string): Promise<Array<Record<string, any>>> {
    const r = await cli(['search', ...words.split(' '), '--index', indexAddr, '--json'])
    assert.equal(r.code, 0, r.stderr)
    return jsonLines(r.stdout)
  }

  /** Finds the sample file and book ID of a title in the generated shelves. */
  async function sampleBook (titlePart: string): Promise<{ path: string, id: string, shelves: number }> {
    let found: { path: string, id: string, shelves: number } | undefined
    for (const shelf of shelves) {
      for (const name of await readdir(shelf)) {
        if (!name.includes(titlePart)) continue
        const path = join(shelf, name)
        const id = bookIdOf(await hashFile(path)).toString()
        found = found == null ? { path, id, shelves: 1 } : { ...found, shelves: found.shelves + (found.id === id ? 1 : 0) }
      }
    }
    assert.ok(found != null, `no sample book matching ${titlePart}`)
    return found
  }

  before(async () => {
    dir = await tempDir('arkshare-e2e-')
    shelves = await generateShelves(join(dir, 'shelves'), 5)
    index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--ttl', '5', '--grace', '1', '--json'])
    indexAddr = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
    shelves.forEach((shelf, i) => {
      peers.push(startCli(['node', '--index', indexAddr, '--share', shelf, '--downloads', join(dir, `peer-${i + 1}`, 'dl'),
        '--data', join(dir, `peer-${i + 1}`, 'data'), '--listen', LOOPBACK, '--json']))
    })
    me = startCli(['node', '--index', indexAddr, '--downloads', join(dir, 'me', 'dl'), '--data', join(dir, 'me', 'data'), '--listen', LOOPBACK, '--json'])
    await Promise.all([...peers, me].map(async p => await p.waitFor(e => e.event === 'listening')))
    // every sharing peer's catalog is in the index
    await eventually(async () => (await search('austen')).length >= 2, 30_000, 'sample shelves registered')
  })

  after(async () => {
    await Promise.all([...peers, me, index].filter(p => p != null).map(async p => { await stopCli(p) }))
    await removeDir(dir)
  })

  it('searches by keyword and prints one JSON object per result', async () => {
    const results = await search('moby')
    const moby = results.find(r => r.title === 'Moby Dick')
    assert.ok(moby != null, JSON.stringify(results))
    assert.equal(moby.author, 'Herman Melville')
    assert.ok(moby.size > 0)
    assert.ok(moby.providers.length >= 1)
    assert.ok(moby.providers[0].multiaddrs.length >= 1)
    assert.equal((await sampleBook('Moby Dick')).id, moby.id)
  })

  it('prints a table for people', async () => {
    const r = await cli(['search', 'austen', '--index', indexAddr])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Title\s+Author\s+Format\s+Size/)
    assert.match(r.stdout, /Jane Austen/)
  })

  it('lists a book shared by two peers once with two providers', async () => {
    const copies = new Map<string, { count: number, name: string }>()
    for (const shelf of shelves) {
      for (const name of await readdir(shelf)) {
        const id = bookIdOf(await hashFile(join(shelf, name))).toString()
        copies.set(id, { count: (copies.get(id)?.count ?? 0) + 1, name })
      }
    }
    const [id, shared] = [...copies].find(([, c]) => c.count >= 2) ?? []
    assert.ok(id != null && shared != null, 'the sample shelves share some book twice')
    const title = shared.name.replace(/\.[a-z]+$/, '').split(' - ').pop() as string
    const hits = (await search(title.replace(/[^\p{L}\p{N} ]/gu, ' ').trim())).filter(r => r.id === id)
    assert.equal(hits.length, 1)
    assert.equal(hits[0].providers.length, 2)
  })

  it('downloads a book with get, verified byte for byte, leaving no partial file', async () => {
    const book = await sampleBook('Moby Dick')
    const out = join(dir, 'oneshot')
    const r = await cli(['get', book.id, '--index', indexAddr, '--out', out, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const events = jsonLines(r.stdout)
    const done = events.find(e => e.event === 'done')
    assert.ok(done != null)
    assert.equal(done.id, book.id)
    assert.ok(events.some(e => e.event === 'progress'))
    assert.ok((await readFile(done.path)).equals(await readFile(book.path)))
    assert.deepEqual((await readdir(out)).filter(f => f.endsWith('.arkpart')), [])
  })

  it('fails with one line on stderr for an unknown book or an unreachable index', async () => {
    const unknown = bookIdOf({ size: 1, chunkSize: 262144, chunkHashes: new Uint8Array(32) }).toString()
    const out = join(dir, 'nothing')
    const r = await cli(['get', unknown, '--index', indexAddr, '--out', out])
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /^arkshare: no provider is online for/)
    assert.equal(r.stderr.trim().split('\n').length, 1)
    await assert.rejects(readdir(out))

    const bad = await cli(['get', 'not-an-id', '--index', indexAddr])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /not a book ID/)
    const badOption = await cli(['index', '--heap-growth', '-5', '--data', join(dir, 'never')])
    assert.notEqual(badOption.code, 0)
    assert.match(badOption.stderr, /--heap-growth.*expected a whole number/)

    const started = Date.now()
    const unreachable = await cli(['search', 'moby', '--index', '/ip4/127.0.0.1/tcp/9/p2p/12D3KooWGRUVh1n9yG8sWzD8yK5QuyVcEp9Bi8ooZsdvjy5RuHVK'], 40_000)
    assert.notEqual(unreachable.code, 0)
    assert.match(unreachable.stderr, /^arkshare: no index answered/)
    assert.ok(Date.now() - started < 30_000)
  })

  it('finds a file added to a shared folder within seconds', async () => {
    await writeFile(join(shelves[0], 'Edwin Abbott - Flatland.txt'), bookBytes(21, 50_000))
    await eventually(async () => (await search('flatland')).length === 1, 20_000, 'new file found')
  })

  it('downloads through the shell on stdin and becomes a provider', async () => {
    const book = await sampleBook('Frankenstein')
    me.send(`get ${book.id}`)
    const done = await me.waitFor(e => e.event === 'done' && e.id === book.id, 60_000)
    assert.ok((await readFile(done.path)).equals(await readFile(book.path)))
    const meId = me.events.find(e => e.event === 'listening')?.peerId
    await eventually(async () => {
      const hit = (await search('frankenstein')).find(r => r.id === book.id)
      return hit?.providers.some((p: { peerId: string }) => p.peerId === meId)
    }, 20_000, 'the downloader listed as a provider')
    me.send('list')
    await me.waitFor(e => e.id === book.id && typeof e.path === 'string' && e.event == null)
  })

  it('drops a killed peer from results', async () => {
    const victim = peers[4]
    const victimId = victim.events.find(e => e.event === 'listening')?.peerId
    const name = (await readdir(shelves[4]))[0]
    const words = (name.replace(/\.[a-z]+$/, '').split(' - ').pop() as string).replace(/[^\p{L}\p{N} ]/gu, ' ').trim()
    const listed = async (): Promise<boolean> => (await search(words)).some(r => r.providers.some((p: { peerId: string }) => p.peerId === victimId))
    assert.ok(await listed(), 'listed while alive')
    victim.child.kill('SIGKILL')
    await victim.exited
    await eventually(async () => !(await listed()), 20_000, 'killed peer gone from results')
  })
})
