// The web app in a real browser against a real swarm: an index and two peers sharing sample books
// (one titled like HTML), and the peer the page drives, all CLI processes on loopback. Search,
// providers, Get to 100 % through events, the detail's ledger and chunk map, pause/resume/cancel,
// limits (and the message of a 400), a book link, a provider's shelf, the other screens, and the
// index's page against `arkshare stats`; no console error, no CSP violation, no dialog.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { cliPath } from '../../scripts/cli-process.js'
import { bookBytes, eventually, removeDir, tempDir, writeBook } from '../helpers.js'
import { launchBrowser, screenshot, startSwarm, watchContext, type PageWatch, type Swarm } from '../support/browser.js'
import type { Browser, BrowserContext, Page } from 'playwright-core'

const HTML_TITLE = '<img src=x onerror=alert(1)>'
const run = promisify(execFile)

describe('web app (Chromium)', function () {
  this.timeout(60_000)
  let dir: string
  let browser: Browser | undefined
  let context: BrowserContext
  let page: Page
  let watch: PageWatch
  let swarm: Swarm | undefined
  const apiRequests: string[] = []
  const sources = { moby: bookBytes(11, 12 * 1024 * 1024 + 5), war: bookBytes(12, 12 * 1024 * 1024), emma: bookBytes(13, 300_000), frank: bookBytes(14, 200_000), html: bookBytes(15, 50_000) }

  const api = async (path: string, init: RequestInit = {}): Promise<any> => {
    const s = swarm as Swarm
    const r = await fetch(`${s.uiOrigin}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json', ...init.headers as Record<string, string> } })
    assert.ok(r.ok, `${path}: ${r.status}`)
    return await r.json()
  }
  const shot = async (name: string): Promise<void> => { await screenshot(page, name) }
  const search = async (words: string): Promise<void> => {
    await page.goto(`${(swarm as Swarm).uiOrigin}/#/search`)
    await page.getByRole('searchbox', { name: /words/ }).fill(words)
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.locator('.total, .notice.error').first().waitFor()
    assert.deepEqual(await page.locator('.notice.error').allTextContents(), [])
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
    // every book listed by its providers before the page searches (asked of the index's open
    // status: searches would spend the UI peer's search budget at the index)
    await eventually(async () => {
      const status = await (await fetch(`${new URL(swarm?.indexUrl as string).origin}/api/v1/status`)).json() as { books: number, providers: number }
      return status.books === 6 && status.providers === 7
    }, 20_000, 'the books registered')
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: swarm.uiOrigin })
    watch = await watchContext(context)
    // the system's notifications are out of a headless browser's reach: a stand-in records them
    await context.addInitScript({
      content: `window.shown = []; window.Notification = class { static permission = 'default'; static async requestPermission () { this.permission = 'granted'; return 'granted' }
        constructor (title, options) { window.shown.push(title + ': ' + options.body) } addEventListener () {} }`
    })
    context.on('request', (r) => { if (r.url().includes('/api/v1/') && !r.url().includes('/api/v1/events')) apiRequests.push(`${r.method()} ${new URL(r.url()).pathname}`) })
    page = await context.newPage()
    // generous for a loaded machine: a passing run waits far less
    page.setDefaultTimeout(20_000)
  })

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page != null) {
      // what the page showed, to tell a slow node from a wrong page
      process.stdout.write(`      the page at ${page.url()}: ${await page.locator('main').textContent({ timeout: 1_000 }).catch(() => '?')}\n`)
      process.stdout.write(`      problems: ${JSON.stringify(watch?.take())}\n`)
    }
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

  it('is usable from the keyboard: search, select a row, open its providers', async () => {
    await page.goto(`${(swarm as Swarm).uiOrigin}/#/search`)
    await page.keyboard.type('frankenstein')
    await page.keyboard.press('Enter')
    await page.locator('.total').waitFor()
    const focused = async (): Promise<string> => await page.evaluate<string>('document.activeElement.getAttribute("aria-label") ?? document.activeElement.textContent')
    for (let i = 0; i < 12 && !/^select /.test(await focused()); i++) await page.keyboard.press('Tab')
    assert.equal(await focused(), 'select Frankenstein')
    await page.keyboard.press('Space')
    await page.getByRole('button', { name: 'Get selected (1)' }).waitFor()
    for (let i = 0; i < 4 && !/^1 /.test(await focused()); i++) await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await row('Frankenstein').locator('table.providers').waitFor()
  })

  it('closes its one event stream while the tab is hidden, and starts again from a snapshot', async () => {
    const clients = async (): Promise<number> => {
      const text = await (await fetch(`${(swarm as Swarm).uiOrigin}/metrics`, { headers: { authorization: `Bearer ${(swarm as Swarm).token}` } })).text()
      return Number(/^arkshare_events_clients (\d+)$/m.exec(text)?.[1])
    }
    await eventually(async () => await clients() === 1, 5_000, 'one stream for the tab')
    const show = async (state: 'hidden' | 'visible'): Promise<void> => {
      await page.evaluate(`Object.defineProperty(document, 'visibilityState', { value: '${state}', configurable: true }); document.dispatchEvent(new Event('visibilitychange'))`)
    }
    await show('hidden')
    await eventually(async () => await clients() === 0, 5_000, 'the stream closed')
    await page.locator('.live.off').waitFor()
    await show('visible')
    await eventually(async () => await clients() === 1, 5_000, 'the stream open again')
    await page.locator('.live.on').waitFor()
  })

  it('searches, opens a book\'s providers, and gets it: progress reaches 100 % through events, the bytes are the source\'s', async () => {
    await search('moby')
    assert.equal(await page.locator('.total').textContent(), '1–1 of 1 book')
    const moby = row('Moby Dick')
    await moby.getByRole('button', { name: /2/ }).click()
    assert.equal(await moby.locator('table.providers tbody tr').count(), 2)
    await shot('search')
    await page.emulateMedia({ colorScheme: 'dark' })
    const background = async (): Promise<string> => await page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor')
    assert.equal(await background(), 'rgb(21, 22, 26)', 'auto follows the system\'s dark scheme')
    await shot('search-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    assert.equal(await background(), 'rgb(251, 251, 248)')
    // a choice on a light system (the page applies it once rendered)
    await page.getByRole('combobox', { name: 'theme' }).selectOption('dark')
    await page.waitForFunction((colour) => (globalThis as any).getComputedStyle((globalThis as any).document.documentElement).backgroundColor === colour, 'rgb(21, 22, 26)')
    await page.getByRole('combobox', { name: 'theme' }).selectOption('auto')
    await page.waitForFunction((colour) => (globalThis as any).getComputedStyle((globalThis as any).document.documentElement).backgroundColor === colour, 'rgb(251, 251, 248)')
    await page.setViewportSize({ width: 390, height: 844 })
    await shot('search-390')
    for (const width of [390, 360]) {
      await page.setViewportSize({ width, height: 844 })
      assert.ok(await page.evaluate<number>('document.documentElement.scrollWidth') <= width, `the page fits ${width} px (wide tables scroll in their box)`)
    }
    await page.setViewportSize({ width: 1280, height: 800 })

    await page.getByRole('checkbox', { name: 'notify when a download finishes' }).check()
    await moby.getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Get selected (1)' }).click()
    await page.getByText('1 book added to Downloads.').waitFor()
    apiRequests.length = 0
    await page.getByRole('link', { name: /^Downloads/ }).click()
    await downloadRow('Moby Dick').and(page.locator('[data-state=done]')).waitFor()
    assert.equal(await downloadRow('Moby Dick').locator('.pct').textContent(), '100 %')
    assert.deepEqual(apiRequests, [], 'the list follows the event stream: no request polls it')
    assert.deepEqual(await page.evaluate('window.shown'), ['Download finished: Moby Dick'], 'the notification asked for')
    const saved = await readFile(join(dir, 'downloads', 'Herman Melville - Moby Dick.txt'))
    assert.ok(saved.equals(sources.moby), 'the downloaded bytes are the source\'s')
  })

  it('shows a download\'s ledger per provider and its chunk map', async () => {
    await downloadRow('Moby Dick').getByRole('link').click()
    await page.locator('table.ledger tbody tr').first().waitFor()
    const verified = await page.locator('table.ledger tbody tr td:nth-child(2)').allTextContents()
    assert.equal(verified.reduce((n, t) => n + Number(t), 0) >= 49, true, `49 chunks verified in all: ${verified.join(', ')}`)
    assert.match(await page.locator('canvas').getAttribute('aria-label') ?? '', /49 of 49 chunks verified/)
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

  it('changes the limits at runtime, and shows the node\'s message when it refuses a value', async () => {
    await page.goto(`${(swarm as Swarm).uiOrigin}/#/limits`)
    const slots = page.locator('input[name=uploadSlots]')
    await slots.fill('0')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('alert').filter({ hasText: 'uploadSlots: must be a whole number of at least 1' }).waitFor()
    // the refused request is the one console line a 400 leaves
    assert.deepEqual(watch.take().filter(p => !/status of 400/.test(p)), [])
    assert.equal((await api('/limits')).uploadSlots, 4, 'nothing changed')
    await slots.fill('6')
    await page.locator('input[name=maxDownloadBytesPerSecond]').fill('512KiB/s')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Saved: the node uses these limits now.').waitFor()
    const limits = await api('/limits')
    assert.equal(limits.uploadSlots, 6)
    assert.equal(limits.maxDownloadBytesPerSecond, 512 * 1024)
    await shot('limits')
  })

  it('pauses, resumes and cancels a download (its part file removed)', async () => {
    await search('tolstoy')
    await row('War and Peace').getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Get selected (1)' }).click()
    await page.getByText('1 book added to Downloads.').waitFor()
    await page.goto(`${(swarm as Swarm).uiOrigin}/#/downloads`)
    const war = downloadRow('War and Peace')
    // the download rate is capped (previous test): it is still running when paused
    await war.and(page.locator('[data-state=active]')).waitFor()
    await war.getByRole('button', { name: 'pause War and Peace' }).click()
    await war.and(page.locator('[data-state=paused]')).waitFor()
    await war.getByRole('button', { name: 'resume War and Peace' }).click()
    await war.and(page.locator('[data-state=active], [data-state=queued]')).waitFor()
    await war.getByRole('button', { name: 'cancel War and Peace' }).click()
    await war.and(page.locator('[data-state=cancelled]')).waitFor()
    await war.getByRole('button', { name: 'retry War and Peace' }).click()
    await war.and(page.locator('[data-state=active], [data-state=queued]')).waitFor()
    await war.getByRole('button', { name: 'cancel War and Peace' }).click()
    await war.and(page.locator('[data-state=cancelled]')).waitFor()
    const list = (await api('/downloads')).downloads as Array<{ title: string, state: string }>
    assert.equal(list.find(d => d.title === 'War and Peace')?.state, 'cancelled')
    await api('/limits', { method: 'PATCH', body: JSON.stringify({ maxDownloadBytesPerSecond: null }) })
    await eventually(async () => !(await readdir(join(dir, 'downloads'))).some(f => f.startsWith('Leo Tolstoy')), 5_000, 'the part file removed')
  })

  it('opens a pasted ID as the book\'s page, gives its link, and a pasted link downloads it', async () => {
    const s = swarm as Swarm
    const frank = (await api('/search?q=frankenstein')).results[0].book.id as string
    await page.goto(`${s.uiOrigin}/#/search`)
    await page.getByRole('searchbox').fill(frank)
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.locator('h1', { hasText: 'Frankenstein' }).waitFor()
    assert.equal(new URL(page.url()).hash, `#/book/${frank}`)
    await page.getByRole('button', { name: 'Book link' }).click()
    const link = await page.getByRole('textbox', { name: 'book link' }).inputValue()
    assert.match(link, new RegExp(`^arkshare:${frank}\\?title=Frankenstein&size=200000`))
    await shot('book')
    await page.goto(`${s.uiOrigin}/#/search`)
    await page.getByRole('searchbox').fill(` <${link}> `)
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.locator('h1', { hasText: 'Frankenstein' }).waitFor()
    assert.equal(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('link'), link)
    await page.getByRole('button', { name: 'Get', exact: true }).click()
    await page.getByRole('link', { name: 'In Downloads: done' }).waitFor()
    assert.ok((await readFile(join(dir, 'downloads', 'Mary Shelley - Frankenstein.txt'))).equals(sources.frank))
  })

  it('browses a provider\'s shelf and gets several of its books at once', async () => {
    const s = swarm as Swarm
    const first = (await s.peers[0].waitFor(e => e.event === 'listening')).peerId as string
    await page.goto(`${s.uiOrigin}/#/peer/${first}`)
    await page.locator('.total', { hasText: '3 books' }).waitFor()
    await row('Emma').getByRole('checkbox').check()
    await row(HTML_TITLE).getByRole('checkbox').check()
    await shot('peer-shelf')
    await page.getByRole('button', { name: 'Get selected (2)' }).click()
    await page.getByText('2 books added to Downloads.').waitFor()
    await page.goto(`${s.uiOrigin}/#/downloads`)
    await downloadRow('Emma').and(page.locator('[data-state=done]')).waitFor()
    await downloadRow(HTML_TITLE).and(page.locator('[data-state=done]')).waitFor()
    assert.ok((await readFile(join(dir, 'downloads', 'Jane Austen - Emma.txt'))).equals(sources.emma))
    await shot('downloads')
  })

  it('shows my shelf (filter, rescan, a book\'s link), uploads and the network', async () => {
    const s = swarm as Swarm
    await page.goto(`${s.uiOrigin}/#/shelf`)
    await row2(page, 'Alice in Wonderland').waitFor()
    await page.getByRole('searchbox', { name: 'filter the shelf' }).fill('carroll')
    assert.deepEqual(await page.locator('table.books td.title').allTextContents(), ['Alice in Wonderland'])
    await page.getByRole('button', { name: 'copy the link of Alice in Wonderland' }).click()
    await page.getByText('Book link copied.').waitFor()
    const link = await page.evaluate<string>('navigator.clipboard.readText()')
    assert.match(link, /^arkshare:b[a-z2-7]+\?title=Alice%20in%20Wonderland&size=40000&name=.*&peer=\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
    await page.getByRole('searchbox', { name: 'filter the shelf' }).fill('')
    await page.getByRole('button', { name: 'Rescan' }).click()
    await page.getByText('scan up to date').waitFor()
    await shot('shelf')
    await page.goto(`${s.uiOrigin}/#/uploads`)
    await page.getByText('slots used').waitFor()
    assert.match(await page.locator('.figures').textContent() ?? '', /of 6/)
    await shot('uploads')
    await page.goto(`${s.uiOrigin}/#/network`)
    await page.locator('h2', { hasText: 'Indexes' }).waitFor()
    assert.equal(await page.locator('table').first().locator('tbody tr td:nth-child(2)').textContent(), 'yes')
    await shot('network')
  })

  it('shows the index\'s status page with the counts `arkshare stats` gives', async () => {
    const s = swarm as Swarm
    const index = await context.newPage()
    await index.goto(s.indexUrl)
    await index.locator('[data-figure=books] dd').waitFor()
    const figure = async (name: string): Promise<string> => await index.locator(`[data-figure=${name}] dd`).textContent() ?? ''
    const FIGURES = ['peersOnline', 'peersRegistered', 'books', 'providers']
    // the page follows the index's status events (every 2 s): it shows what `stats` says within one
    await eventually(async () => {
      const { stdout } = await run(process.execPath, [cliPath(), 'stats', '--index', s.indexAddr, '--json'])
      const stats = JSON.parse(stdout)
      const expected = FIGURES.map(name => String(stats[name]))
      return await index.waitForFunction(({ names, values }) => names.every((name, i) => (globalThis as any).document.querySelector(`[data-figure=${name}] dd`)?.textContent === values[i]),
        { names: FIGURES, values: expected }, { timeout: 5_000 }).then(() => true, () => false)
    }, 20_000, 'the page\'s counts equal `arkshare stats`')
    assert.equal(await figure('peersOnline'), '3')
    await screenshot(index, 'index')
    await index.close()
  })

  it('clears the finished downloads off the list', async () => {
    const s = swarm as Swarm
    await page.goto(`${s.uiOrigin}/#/downloads`)
    await page.getByRole('button', { name: 'Clear finished (5)' }).click()
    await page.getByText('Nothing yet: search for a book and Get it.').waitFor()
    assert.deepEqual((await api('/downloads')).downloads, [])
  })
})

function row2 (page: Page, title: string) {
  return page.locator('table.books tr', { has: page.getByRole('link', { name: title, exact: true }) })
}
