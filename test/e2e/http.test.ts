// `--http` as a user runs it: an index and a peer as processes on loopback, each printing where
// its page is; the token file (0600, reused after a restart), the API with it, the index open.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { cliPath, startCli, stopCli, type CliProcess } from '../../scripts/cli-process.js'
import { removeDir, tempDir, LOOPBACK } from '../helpers.js'

/** Runs the CLI in text mode until `line` appears on stdout; returns what it printed. */
async function printedUntil (args: string[], line: RegExp): Promise<string> {
  const child = spawn(process.execPath, [cliPath(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no ${String(line)} in: ${out}`)) }, 30_000)
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (line.test(out)) { clearTimeout(timer); resolve() }
      })
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${String(code)}: ${out}`)) })
    })
  } finally {
    child.kill('SIGTERM')
  }
  return out
}

describe('arkshare --http end to end', function () {
  this.timeout(90_000)
  let dir: string
  let index: CliProcess | undefined
  let peer: CliProcess | undefined

  before(async () => { dir = await tempDir('arkshare-e2e-http-') })
  after(async () => {
    for (const p of [peer, index]) if (p != null) await stopCli(p)
    await removeDir(dir)
  })

  it('prints the page\'s address with its token, keeps the token 0600 and reuses it, and serves the API with it', async () => {
    index = startCli(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--http', '127.0.0.1:0', '--json'])
    const indexHttp = await index.waitFor(e => e.event === 'http')
    const indexAddr = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0]
    const indexBase = new URL(indexHttp.url as string).origin
    const status = await fetch(`${indexBase}/api/v1/status`)
    assert.equal(status.status, 200, 'an index on loopback is open')

    const args = ['node', '--index', indexAddr, '--listen', LOOPBACK, '--data', join(dir, 'peer'), '--downloads', join(dir, 'dl'), '--http', '0', '--json']
    peer = startCli(args)
    const http = await peer.waitFor(e => e.event === 'http')
    const url = new URL(http.url as string)
    assert.equal(url.hostname, '127.0.0.1')
    assert.match(url.hash, /^#token=[A-Za-z0-9_-]{43}$/)
    assert.equal(http.tokenFile, join(dir, 'peer', 'http-token'))
    const token = url.hash.slice('#token='.length)
    assert.equal((await readFile(http.tokenFile as string, 'utf8')).trim(), token)
    assert.equal((await stat(http.tokenFile as string)).mode & 0o777, 0o600)
    assert.equal((await fetch(`${url.origin}/api/v1/info`)).status, 401)
    const info = await fetch(`${url.origin}/api/v1/info`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(info.status, 200)
    assert.equal((await info.json() as { role: string }).role, 'peer')

    await stopCli(peer)
    assert.equal(await peer.exited, 0)
    peer = startCli(args)
    const again = await peer.waitFor(e => e.event === 'http')
    assert.equal(new URL(again.url as string).hash, url.hash, 'the token survives a restart')
  })

  it('prints `ui: http://127.0.0.1:PORT/#token=…` for people, and takes --http-token-file', async () => {
    const out = await printedUntil(['index', '--listen', LOOPBACK, '--data', join(dir, 'index2'), '--http', '0', '--http-token-file', join(dir, 'elsewhere', 'token')], /^ui: /m)
    assert.match(out, /^ui: http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/m)
    assert.equal((await stat(join(dir, 'elsewhere', 'token'))).mode & 0o777, 0o600)
  })
})
