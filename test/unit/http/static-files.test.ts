import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StaticFiles } from '../../../src/http/static-files.js'
import { contentSecurityPolicy } from '../../../src/http/security/headers.js'
import { TEST_PAGE, writeTestPage } from '../../support/http.js'
import { removeDir, tempDir } from '../../helpers.js'

describe('http static files', () => {
  let dir: string
  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => { await removeDir(dir) })

  async function load (): Promise<StaticFiles> {
    const { ui, vendor } = await writeTestPage(dir)
    await writeFile(join(ui, '.secret.js'), 'dot file')
    await writeFile(join(ui, 'notes.md'), 'unknown type')
    await writeFile(join(dir, 'outside.txt'), 'outside')
    await symlink(join(dir, 'outside.txt'), join(ui, 'link.txt'))
    await mkdir(join(ui, 'sub'))
    await writeFile(join(ui, 'sub', 'style.css'), 'body{}')
    return await StaticFiles.load({ mounts: [{ prefix: '/ui/', dir: ui }, { prefix: '/vendor/preact/', dir: vendor }], page: '/ui/index.html' })
  }

  it('holds the whitelisted files in memory, by exact URL, with their types', async () => {
    const files = await load()
    assert.equal(files.get('/ui/app.js')?.type, 'text/javascript; charset=utf-8')
    assert.equal(files.get('/ui/sub/style.css')?.body.toString(), 'body{}')
    assert.equal(files.get('/vendor/preact/preact.module.js')?.body.toString(), 'export const h = 1\n')
    assert.equal(files.get('/')?.body.toString(), TEST_PAGE)
    // served from memory: the folder can go
    await rm(join(dir, 'ui'), { recursive: true })
    assert.equal(files.get('/ui/app.js')?.body.toString(), 'export const app = 1\n')
  })

  it('leaves out dot files, unknown types and links, and matches no other spelling of a path', async () => {
    const files = await load()
    for (const path of ['/ui/.secret.js', '/ui/notes.md', '/ui/link.txt', '/ui/%61pp.js', '/ui//app.js', '/ui/./app.js', '/ui/sub/../app.js', '/ui/app.js/', '/UI/app.js', '/ui/app.js%00', '/ui/..%2fapp.js', '/vendor/..%5cpackage.json']) {
      assert.equal(files.get(path), undefined, path)
    }
    assert.equal(files.size, 5)
  })

  it('allows the page\'s inline import map by its SHA-256 in the CSP', async () => {
    const files = await load()
    const map = '{"imports":{"preact":"/vendor/preact/preact.module.js"}}'
    const hash = createHash('sha256').update(map).digest('base64')
    assert.equal(files.importMap, `'sha256-${hash}'`)
    assert.match(contentSecurityPolicy(files.importMap), new RegExp(`script-src 'self' 'sha256-${hash.replace(/[+/]/g, c => `\\${c}`)}';`))
    assert.equal(contentSecurityPolicy(), "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
  })

  it('refuses a page that is not among the files, and a bad prefix', async () => {
    const { ui } = await writeTestPage(dir)
    await assert.rejects(StaticFiles.load({ mounts: [{ prefix: '/ui/', dir: ui }], page: '/ui/missing.html' }), /not among the files/)
    await assert.rejects(StaticFiles.load({ mounts: [{ prefix: '/../', dir: ui }] }), /not a URL prefix/)
  })
})
