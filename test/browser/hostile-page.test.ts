// Another page on this machine, in the same browser as the user's session, tries to make the node
// act: a page on another port of 127.0.0.1 is *same-site*, so its requests carry the session's
// SameSite=Strict cookie. Its fetch POSTs (plain and preflighted), form POST, no-cors GET and
// <img> are refused (403) and start nothing. And no path spelling reaches a file beside the real
// page's or Preact's folders.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { bookBytes, eventually, removeDir, tempDir, writeBook } from '../helpers.js'
import { launchBrowser, startSwarm, watchContext, type Swarm } from '../support/browser.js'
import { raw } from '../support/http.js'
import type { Browser } from 'playwright-core'

/** The hostile page: every way a page may send a request to another origin without reading the answer. */
function hostilePage (target: string, id: string): string {
  const body = JSON.stringify({ id })
  return `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="form" method="POST" action="${target}/api/v1/downloads" enctype="text/plain" target="sink"><input name='${body.slice(0, -2)}' value='"}'></form>
<img src="${target}/api/v1/shelf/${id}/file">
<script>
  const send = [
    fetch('${target}/api/v1/downloads', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '${body}' }),
    fetch('${target}/api/v1/downloads', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '${body}' }),
    fetch('${target}/api/v1/downloads', { mode: 'no-cors', credentials: 'include' })
  ]
  document.getElementById('form').submit()
  Promise.allSettled(send).then(() => { document.title = 'sent' })
</script></body></html>`
}

describe('web app against a hostile page (Chromium)', function () {
  this.timeout(60_000)
  let dir: string
  let browser: Browser | undefined
  let swarm: Swarm | undefined
  let hostile: Server | undefined

  before(async function () {
    browser = await launchBrowser(this)
    dir = await tempDir('arkshare-hostile-')
    await writeBook(join(dir, 'share'), 'Herman Melville - Moby Dick.txt', bookBytes(21, 100_000))
    await writeBook(join(dir, 'mine'), 'Jane Austen - Emma.txt', bookBytes(22, 1_000))
    swarm = await startSwarm(dir, [join(dir, 'share')], { share: join(dir, 'mine'), downloads: join(dir, 'downloads') })
  })

  after(async () => {
    await browser?.close()
    await new Promise(resolve => hostile?.close(resolve) ?? resolve(undefined))
    await swarm?.stop()
    await removeDir(dir)
  })

  const refused = async (s: Swarm): Promise<number> => {
    const text = await (await fetch(`${s.uiOrigin}/metrics`, { headers: { authorization: `Bearer ${s.token}` } })).text()
    return [...text.matchAll(/^arkshare_http_requests_total\{[^}]*code="403"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0)
  }

  it('refuses a same-site page\'s fetch POSTs, form POST, no-cors GET and <img>, though the session cookie goes with them', async () => {
    const s = swarm as Swarm
    const bearer = { authorization: `Bearer ${s.token}` }
    await eventually(async () => (await (await fetch(`${new URL(s.indexUrl).origin}/api/v1/status`)).json() as { books: number }).books === 2, 20_000, 'the books registered')
    const id = (await (await fetch(`${s.uiOrigin}/api/v1/search?q=moby`, { headers: bearer })).json() as any).results[0].book.id as string
    const html = hostilePage(s.uiOrigin, id)
    hostile = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end(html) })
    await new Promise<void>(resolve => hostile?.listen(0, '127.0.0.1', resolve))
    const port = (hostile.address() as { port: number }).port

    const context = await (browser as Browser).newContext()
    const watch = await watchContext(context)
    const page = await context.newPage()
    await page.goto(s.uiUrl)
    await page.getByRole('navigation', { name: 'screens' }).waitFor()
    assert.ok((await context.cookies(s.uiOrigin)).some(c => c.name.startsWith('arkshare_session_')), 'the user has a session in this browser')
    assert.deepEqual(watch.take(), [])

    const before = await refused(s)
    const evil = await context.newPage()
    await evil.goto(`http://127.0.0.1:${port}/`)
    await evil.waitForFunction("document.title === 'sent'")
    // fetch POST, the preflight of the JSON one, no-cors GET, form POST, <img>: each answered 403
    await eventually(async () => await refused(s) - before >= 5, 10_000, 'five requests refused')
    const list = await (await fetch(`${s.uiOrigin}/api/v1/downloads`, { headers: bearer })).json() as { downloads: unknown[] }
    assert.deepEqual(list.downloads, [], 'nothing was started')
    await context.close()
  })

  it('serves only the page\'s and Preact\'s own files: no spelling of a path leaves them', async () => {
    const s = swarm as Swarm
    const port = Number(new URL(s.uiOrigin).port)
    for (const path of ['/ui/index.html', '/ui/main.js', '/vendor/preact/preact.mjs', '/vendor/preact/hooks/hooks.mjs', '/vendor/preact/jsx-runtime/jsxRuntime.mjs']) {
      assert.equal((await raw(port, { path })).status, 200, path)
    }
    const attempts = ['/../package.json', '/vendor/preact/../package.json', '/vendor/preact/%2e%2e/package.json', '/vendor/preact/..%2fpackage.json',
      '/vendor/preact/hooks/..%5c..%5cpackage.json', '/vendor/preact/hooks/%2e%2e%2f%2e%2e%2fsrc/index.js', '/vendor/..%5cpreact%5cpackage.json',
      '/ui/%2e%2e/%2e%2e/package.json', '/ui/..%2f..%2fpackage.json', '/ui/..%2f..%2fsrc%2fui%2fmain.tsx', '//etc/passwd', '/vendor/preact/preact.mjs%00', '/%00',
      '/vendor/preact/package.json', '/vendor/preact/src/index.js', '/ui/../dist/ui/main.js']
    for (const path of attempts) {
      const r = await raw(port, { path })
      assert.equal(r.status, 404, `${path}: ${r.status}`)
      assert.doesNotMatch(r.body, /"name"|import /, `${path} read nothing`)
    }
  })
})
