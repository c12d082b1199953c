// The folders of src/ and who may import whom, checked over every import line: the layering a
// newcomer reads in the README's layout table holds in the code. And no module grows into a hall.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')

/** What each folder of src/ may import besides itself. */
const ALLOWED: Record<string, string[]> = {
  runtime: [],
  content: [],
  limits: [],
  wire: ['content', 'limits'],
  'index-node': ['wire', 'content', 'limits'],
  peer: ['wire', 'content', 'limits'],
  // builds libp2p nodes: the one place the two services meet
  node: ['index-node', 'peer', 'wire', 'content', 'limits'],
  // serves them over HTTP: through the services' faces only
  http: ['index-node/index.ts', 'peer/index.ts', 'node', 'limits'],
  // runs them: through the services' faces only
  cli: ['index-node/index.ts', 'peer/index.ts', 'node', 'limits', 'runtime', 'http/index.ts'],
  // the web page, run by a browser: it knows the node only through the HTTP API
  ui: []
}

interface Import { from: string, to: string }

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** Every relative import and re-export of every module under src/, as paths relative to src/. */
function projectImports (): Import[] {
  const found: Import[] = []
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*'(\.[^']+)'|import\s*\(\s*'(\.[^']+)'\s*\)|(?:^|\n)\s*import\s*'(\.[^']+)'/g)) {
      const target = match[1] ?? match[2] ?? match[3]
      const to = relative(SRC, resolve(dirname(file), target)).replace(/\.js$/, '.ts')
      found.push({ from: relative(SRC, file), to: existsSync(join(SRC, `${to}x`)) ? `${to}x` : to })
    }
  }
  return found
}

const folderOf = (path: string): string => path.split('/')[0]

describe('architecture', () => {
  const imports = projectImports()

  it('reads the import lines of every module', () => {
    assert.ok(imports.length > 100, `only ${imports.length} imports found`)
    assert.ok(imports.some(i => i.from === 'cli/main.ts' && i.to === 'runtime/promise-with-resolvers.ts'))
  })

  it('keeps every folder within what it may import', () => {
    const broken = imports.filter(({ from, to }) => {
      const own = folderOf(from)
      // src/index.ts is the package's face: it re-exports the services and the node builders
      if (from === 'index.ts' || folderOf(to) === own) return false
      const allowed = ALLOWED[own]
      assert.ok(allowed != null, `a folder the rules do not know: ${own} (add it to ALLOWED)`)
      return !allowed.some(rule => rule.endsWith('.ts') ? to === rule : folderOf(to) === rule)
    })
    assert.deepEqual(broken.map(i => `${i.from} -> ${i.to}`), [])
  })

  it('keeps every hand-written module under 400 lines', () => {
    const halls = sourceFiles(SRC)
      .filter(file => !relative(SRC, file).startsWith('wire/pb/'))
      .map(file => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 400)
    assert.deepEqual(halls, [])
  })

  it('keeps the page apart from the node: no import of its modules, nor of any package but Preact', () => {
    const page = sourceFiles(join(SRC, 'ui'))
    assert.ok(page.some(f => f.endsWith('main.tsx')), 'the page\'s modules are read')
    const packages = page.flatMap(file => [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*'([^.'][^']*)'/g)].map(m => m[1]))
    assert.deepEqual([...new Set(packages)].filter(name => name !== 'preact' && name !== 'preact/hooks'), [])
  })

  it('renders what comes from the network as text in the page: never as HTML', () => {
    const html = sourceFiles(join(SRC, 'ui'))
      .filter(file => /dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(readFileSync(file, 'utf8')))
    assert.deepEqual(html.map(file => relative(SRC, file)), [])
  })

  it('brings the index and the peer together only in node/ (and cli/ and http/, through their faces)', () => {
    const both = new Set<string>()
    for (const folder of Object.keys(ALLOWED)) {
      const targets = new Set(imports.filter(i => folderOf(i.from) === folder).map(i => folderOf(i.to)))
      if (targets.has('index-node') && targets.has('peer')) both.add(folder)
    }
    assert.deepEqual([...both].filter(folder => folder !== 'cli' && folder !== 'node' && folder !== 'http'), [])
    assert.ok(both.has('node'), 'node/ builds both kinds of node')
  })
})
