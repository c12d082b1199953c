// The built page as the server serves it (`npm run build` makes dist/ui): its import map names
// Preact's own modules, each of them served from memory, the CSP allows exactly that map, and the
// page's modules import nothing the map does not name.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { builtPage } from '../../../src/http/package-files.js'
import { StaticFiles } from '../../../src/http/static-files.js'

describe('http built page', () => {
  let files: StaticFiles
  let html: string

  before(async () => {
    const page = builtPage()
    assert.ok(page != null, 'dist/ui/index.html is built (npm run build)')
    files = await StaticFiles.load(page)
    html = (files.get('/') as { body: Buffer }).body.toString('utf8')
  })

  it('serves every module the import map names, as JavaScript', () => {
    const map = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as { imports: Record<string, string> }
    assert.deepEqual(Object.keys(map.imports).sort(), ['preact', 'preact/hooks', 'preact/jsx-runtime'])
    for (const url of Object.values(map.imports)) {
      const file = files.get(url)
      assert.ok(file != null, `${url} is served`)
      assert.equal(file.type, 'text/javascript; charset=utf-8')
      assert.match(file.body.toString('utf8'), /\bexport\b/)
    }
    assert.equal(files.get('/vendor/preact/package.json'), undefined, 'only the modules\' folders are mounted')
  })

  it('allows exactly its inline import map in the CSP, by its SHA-256', () => {
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] as string
    assert.equal(files.importMap, `'sha256-${createHash('sha256').update(map).digest('base64')}'`)
    assert.equal((html.match(/<script/g) ?? []).length, 2, 'the import map and the page\'s module: no other script')
  })

  it('loads modules whose bare imports the import map resolves', () => {
    const bare = new Set<string>()
    for (const url of ['/ui/main.js', '/ui/app.js', '/ui/live.js', '/ui/screens/search.js']) {
      const text = (files.get(url) as { body: Buffer }).body.toString('utf8')
      for (const m of text.matchAll(/from\s*["']([^./"'][^"']*)["']/g)) bare.add(m[1])
    }
    assert.deepEqual([...bare].sort(), ['preact', 'preact/hooks', 'preact/jsx-runtime'])
  })
})
