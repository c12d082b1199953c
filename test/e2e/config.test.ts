// The config file as a user meets it: `arkshare node` reads <data>/arkshare.conf (a flag on the
// command line wins), the shell's `limits` changes limits at runtime and saves them there, a restart
// starts with them, and a malformed file stops the node with its line and the reason.
import assert from 'node:assert/strict'
import { appendFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startCli, stopCli, type CliProcess } from '../../scripts/cli-process.js'
import { removeDir, tempDir, writeBook, LOOPBACK } from '../helpers.js'

describe('config file through the CLI', function () {
  this.timeout(120_000)
  let dir: string
  let indexAddr: string
  const procs: CliProcess[] = []

  before(async () => {
    dir = await tempDir('arkshare-e2e-config-')
    const index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--json'])
    procs.push(index)
    indexAddr = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
  })

  after(async () => {
    await Promise.all(procs.map(async p => { await stopCli(p) }))
    await removeDir(dir)
  })

  function node (extra: string[] = []): CliProcess {
    const p = startCli(['node', '--data', join(dir, 'me'), '--downloads', join(dir, 'dl'), '--listen', LOOPBACK, '--json', ...extra])
    procs.push(p)
    return p
  }

  async function limits (p: CliProcess, line = 'limits'): Promise<Record<string, any>> {
    const before = p.events.length
    p.send(line)
    return await p.waitFor(e => p.events.lastIndexOf(e) >= before && (e.event === 'limits' || e.event === 'error'))
  }

  it('reads its settings from the data folder, a flag wins, and limits changed in the shell outlive a restart', async () => {
    const file = await writeBook(join(dir, 'me'), 'arkshare.conf', `# my peer\nindex = ${indexAddr}\nmax-upload = 1MiB/s\nupload-slots = 3\n`)
    // no --index: the file names it
    const first = node(['--upload-slots', '5'])
    await first.waitFor(e => e.event === 'listening')
    assert.deepEqual(await limits(first), {
      event: 'limits', maxUploadBytesPerSecond: 1024 * 1024, maxUploadBytesPerSecondPerPeer: null, maxDownloadBytesPerSecond: null, uploadSlots: 5, maxActiveDownloads: 3
    })
    first.send('status')
    assert.equal((await first.waitFor(e => e.event === 'index')).address, indexAddr)

    const changed = await limits(first, 'limits max-upload=2MiB/s max-active-downloads=2 max-download=512KiB/s')
    assert.deepEqual([changed.maxUploadBytesPerSecond, changed.maxActiveDownloads, changed.maxDownloadBytesPerSecond], [2 * 1024 * 1024, 2, 512 * 1024])
    assert.equal(await readFile(file, 'utf8'), `# my peer\nindex = ${indexAddr}\nmax-upload = 2MiB/s\nupload-slots = 3\nmax-active-downloads = 2\nmax-download = 512KiB/s\n`)
    assert.match((await limits(first, 'limits upload-slots=0')).message, /upload-slots: expected a positive whole number/)
    await stopCli(first)

    const second = node()
    await second.waitFor(e => e.event === 'listening')
    const after = await limits(second)
    assert.deepEqual([after.maxUploadBytesPerSecond, after.uploadSlots, after.maxActiveDownloads, after.maxDownloadBytesPerSecond], [2 * 1024 * 1024, 3, 2, 512 * 1024])
    await stopCli(second)
  })

  it('refuses to start on a malformed config file, with one line naming the line and the reason', async () => {
    const file = join(dir, 'me', 'arkshare.conf')
    await appendFile(file, 'max-upload: 3MiB/s\n')
    const broken = node()
    assert.equal(await broken.exited, 1)
    const lines = broken.stderr().trim().split('\n')
    assert.equal(lines.length, 1, broken.stderr())
    assert.equal(lines[0], `arkshare: ${file} line 7: expected "name = value", as in "max-upload = 2MiB/s"`)
  })
})
