// Browser tests' support: Debian's Chromium driven by playwright-core (one browser per test
// file), the page's console errors and CSP violations collected, and a swarm of CLI processes
// (an index and peers on loopback, the one the page drives serving HTTP) as a user runs them.
import { existsSync } from 'node:fs'
import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startCli, stopCli, type CliProcess } from '../../scripts/cli-process.js'
import { LOOPBACK, skipBecause } from '../helpers.js'

/** Where screenshots go: test-output/ (ignored by git). */
const SCREENSHOTS = 'test-output'
/** The README's few screenshots, refreshed by `npm run screenshots` (which names this folder). */
const README_SHOTS = process.env.ARKSHARE_README_SHOTS
const README_NAMES = new Set(['search', 'search-390', 'download-detail', 'downloads', 'shelf', 'index'])

/** A PNG of the page in test-output/, and in the README's folder when it is one of its pictures. */
export async function screenshot (page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) })
  if (README_SHOTS != null && README_NAMES.has(name)) {
    await mkdir(README_SHOTS, { recursive: true })
    await copyFile(join(SCREENSHOTS, `${name}.png`), join(README_SHOTS, `${name}.png`))
  }
}

/** The browser to drive: $CHROMIUM_PATH, else Debian's (the binary itself skips its wrapper's warning). */
function chromiumPath (): string | undefined {
  const candidates = process.env.CHROMIUM_PATH != null ? [process.env.CHROMIUM_PATH] : ['/usr/lib/chromium/chromium', '/usr/bin/chromium']
  return candidates.find(path => existsSync(path))
}

/**
 * Chromium, or the test file skipped with one line saying why; with CI=true a missing browser
 * fails instead (a green run must not hide an untested page).
 */
export async function launchBrowser (ctx: Mocha.Context): Promise<Browser> {
  const path = chromiumPath()
  if (path == null) {
    const why = `no Chromium at ${process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium or /usr/bin/chromium'} (apt-get install chromium, or set CHROMIUM_PATH)`
    if (process.env.CI === 'true') throw new Error(`browser tests need a browser on CI: ${why}`)
    skipBecause(ctx, `web page tests: ${why}`)
  }
  // as root Chromium's sandbox cannot run: Playwright's default leaves it off
  const browser = await chromium.launch({ executablePath: path, headless: true })
  process.stdout.write(`      browser: Chromium ${browser.version()} (${path})\n`)
  await mkdir(SCREENSHOTS, { recursive: true })
  return browser
}

export interface PageWatch {
  /** Console errors, uncaught page errors and CSP violations seen so far (emptied by take()). */
  take: () => string[]
  dialogs: string[]
}

/** Collects what must not happen on a page: console errors, page errors, CSP violations, dialogs. */
export async function watchContext (context: BrowserContext): Promise<PageWatch> {
  const problems: string[] = []
  const dialogs: string[] = []
  // reported from inside the page (a CSP violation event), so none is missed even without a console message
  await context.exposeBinding('reportViolation', (_source, text: string) => { problems.push(`CSP: ${text}`) })
  await context.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => { void window.reportViolation(e.violatedDirective + ' ' + e.blockedURI) })" })
  const watch = (page: Page): void => {
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`) })
    page.on('pageerror', (err) => { problems.push(`page error: ${err.message}`) })
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
  }
  context.pages().forEach(watch)
  context.on('page', watch)
  return { take: () => problems.splice(0), dialogs }
}

export interface Swarm {
  index: CliProcess
  indexAddr: string
  /** The index's page (open on loopback). */
  indexUrl: string
  peers: CliProcess[]
  ui: CliProcess
  /** The UI peer's page address with its token. */
  uiUrl: string
  uiOrigin: string
  token: string
  stop: () => Promise<void>
}

/** An index (serving its status page) and peers sharing `shares`, and one peer serving the web app. */
export async function startSwarm (dir: string, shares: string[], ui: { share: string, downloads: string, args?: string[] }): Promise<Swarm> {
  const started: CliProcess[] = []
  const start = (args: string[]): CliProcess => {
    const p = startCli(args, { stdin: 'ignore' })
    started.push(p)
    return p
  }
  try {
    const index = start(['index', '--listen', LOOPBACK, '--data', join(dir, 'index'), '--http', '127.0.0.1:0', '--json'])
    const indexAddr = (await index.waitFor(e => e.event === 'listening')).multiaddrs[0] as string
    const indexUrl = (await index.waitFor(e => e.event === 'http')).url as string
    const peerArgs = (name: string, share: string): string[] => ['node', '--index', indexAddr, '--listen', LOOPBACK, '--share', share, '--data', join(dir, name), '--downloads', join(dir, `${name}-dl`), '--no-upnp', '--json']
    const peers = shares.map((share, i) => start(peerArgs(`peer${i + 1}`, share)))
    const uiPeer = start(['node', '--index', indexAddr, '--listen', LOOPBACK, '--share', ui.share, '--data', join(dir, 'ui'), '--downloads', ui.downloads, '--no-upnp', '--http', '127.0.0.1:0', '--json', ...(ui.args ?? [])])
    const uiUrl = (await uiPeer.waitFor(e => e.event === 'http')).url as string
    await Promise.all([...peers, uiPeer].map(async p => await p.waitFor(e => e.event === 'listening')))
    const url = new URL(uiUrl)
    return {
      index,
      indexAddr,
      indexUrl,
      peers,
      ui: uiPeer,
      uiUrl,
      uiOrigin: url.origin,
      token: url.hash.replace(/^#token=/, ''),
      stop: async () => { await Promise.all(started.map(async p => { await stopCli(p) })) }
    }
  } catch (err) {
    await Promise.all(started.map(async p => { await stopCli(p) }))
    throw err
  }
}
