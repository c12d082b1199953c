// The HTTP face's defences, against a real peer on loopback: tokens and the session cookie, Host
// and origin checks, paths that try to leave the page's files, bodies, and the bad-token lockout
// (which refuses guesses, not the user).
import assert from 'node:assert/strict'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { bookBytes, eventually, removeDir, startIndex, tempDir, writeBook } from '../helpers.js'
import { raw, TEST_PAGE, webPeer, type RawResponse, type WebNode } from '../support/http.js'
import type { ArkshareNode, IndexNode } from '../../src/node/create-node.js'

const json = (body: string): any => JSON.parse(body)

describe('HTTP security', function () {
  this.timeout(60_000)
  let dir: string
  let index: IndexNode
  let peer: WebNode<ArkshareNode>
  let bookId: string

  before(async () => {
    dir = await tempDir()
    index = await startIndex()
    await writeBook(join(dir, 'share'), 'Herman Melville - Moby Dick.txt', bookBytes(7, 600_000))
    peer = await webPeer(index, dir, { share: [join(dir, 'share')] })
    bookId = await eventually(() => peer.node.services.arkshare.list()[0]?.id, 15_000, 'the shelf')
  })

  after(async () => {
    await peer?.stop()
    await index?.stop()
    await removeDir(dir)
  })

  const get = async (path: string, headers: Record<string, string> = {}): ReturnType<typeof raw> => await raw(peer.port, { path, headers })

  it('answers /api/* only with the token, even on loopback: none or a wrong one is 401', async () => {
    const none = await get('/api/v1/info')
    assert.equal(none.status, 401)
    assert.match(none.headers['www-authenticate'] as string, /^Bearer/)
    assert.equal(typeof json(none.body).error, 'string')
    assert.equal((await get('/api/v1/info', { authorization: 'Bearer wrong' })).status, 401)
    assert.equal((await get('/api/v1/info', { authorization: `Basic ${peer.token}` })).status, 401)
    assert.equal((await get('/api/v1/info', { cookie: `arkshare_session_${peer.port}=${peer.token}` })).status, 401, 'the token is not a session value')
    const ok = await get('/api/v1/info', peer.bearer)
    assert.equal(ok.status, 200)
    assert.equal(json(ok.body).role, 'peer')
    assert.equal((await get('/healthz')).status, 200)
  })

  it('trades the token for an HttpOnly SameSite=Strict cookie; a cookie alone changes nothing without our Origin', async () => {
    const origin = `http://127.0.0.1:${peer.port}`
    const wrong = await raw(peer.port, { method: 'POST', path: '/api/v1/session', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ token: 'nope' }) })
    assert.equal(wrong.status, 401)
    assert.equal(json(wrong.body).field, 'token')
    const session = await raw(peer.port, { method: 'POST', path: '/api/v1/session', headers: { 'content-type': 'application/json', origin, 'sec-fetch-site': 'same-origin' }, body: JSON.stringify({ token: peer.token }) })
    assert.equal(session.status, 200)
    const setCookie = (session.headers['set-cookie'] as string[])[0]
    assert.match(setCookie, new RegExp(`^arkshare_session_${peer.port}=[A-Za-z0-9_-]+; Path=/; HttpOnly; SameSite=Strict$`))
    assert.ok(!setCookie.includes(peer.token), 'the cookie does not carry the token')
    const cookie = setCookie.split(';')[0]
    assert.equal((await get('/api/v1/shelf', { cookie })).status, 200)
    const rescan = async (headers: Record<string, string>): Promise<number> => (await raw(peer.port, { method: 'POST', path: '/api/v1/shelf/rescan', headers: { cookie, ...headers } })).status
    assert.equal(await rescan({}), 403)
    assert.equal(await rescan({ origin, 'sec-fetch-site': 'same-origin' }), 200)
    // a script's bearer token needs no Origin
    assert.equal((await raw(peer.port, { method: 'POST', path: '/api/v1/shelf/rescan', headers: peer.bearer })).status, 200)
  })

  it('answers 421 to a Host it does not know (DNS rebinding), whatever the path', async () => {
    for (const path of ['/', '/healthz', '/api/v1/info', '/metrics']) {
      for (const host of [`evil.example:${peer.port}`, '127.0.0.1', `127.0.0.1:${peer.port + 1}`]) {
        const r = await raw(peer.port, { path, headers: { ...peer.bearer, host } })
        assert.equal(r.status, 421, `${host} ${path}`)
      }
    }
    for (const host of [`localhost:${peer.port}`, `[::1]:${peer.port}`]) assert.equal((await raw(peer.port, { path: '/healthz', headers: { host } })).status, 200, host)
  })

  it('answers 403 to same-site and cross-site requests and to foreign origins, token or not', async () => {
    const cases: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost:3000' },
      { origin: 'null' }
    ]
    for (const headers of cases) {
      for (const path of ['/', '/api/v1/info', '/api/v1/events']) {
        assert.equal((await get(path, { ...peer.bearer, ...headers })).status, 403, `${JSON.stringify(headers)} ${path}`)
      }
      const post = await raw(peer.port, { method: 'POST', path: '/api/v1/session', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ token: peer.token }) })
      assert.equal(post.status, 403, JSON.stringify(headers))
      assert.equal(post.headers['set-cookie'], undefined)
    }
    assert.equal((await get('/', { 'sec-fetch-site': 'none' })).status, 200)
    assert.equal((await get('/api/v1/info', { ...peer.bearer, 'sec-fetch-site': 'same-origin', origin: `http://localhost:${peer.port}` })).status, 200)
  })

  it('serves the page from memory only: paths that try to leave it are 404 and read nothing', async () => {
    const page = await get('/')
    assert.equal(page.status, 200)
    assert.equal(page.body, TEST_PAGE)
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    const packageJson = await readFile(new URL('../../package.json', import.meta.url), 'utf8')
    const attempts = ['/../package.json', '/ui/../../package.json', '/ui/%2e%2e/%2e%2e/package.json', '/ui/%2e%2e%2f%2e%2e%2fpackage.json', '/ui/..%2f..%2fpackage.json',
      '/vendor/..%5c..%5cpackage.json', '/vendor/preact/..%5c..%5c..%5cpackage.json', '//etc/passwd', '/ui/app.js%00', '/%00', '/ui/app.js%00.html', '/ui/.%2e/data/http-token',
      '/ui', '/ui/', '/index.html', '/vendor/preact/', '/ui/./app.js', '/ui//app.js']
    for (const path of attempts) {
      const r = await get(path)
      assert.equal(r.status, 404, path)
      assert.ok(!r.body.includes('"name": "arkshare"') && !r.body.includes('root:') && !r.body.includes(peer.token), path)
      assert.ok(!packageJson.includes(r.body))
    }
    // the files were read once, at start: the folder can go and they are still served
    await rm(join(dir, 'ui'), { recursive: true })
    const app = await get('/ui/app.js')
    assert.equal(app.status, 200)
    assert.equal(app.body, 'export const app = 1\n')
    assert.equal((await get('/vendor/preact/preact.module.js')).status, 200)
  })

  it('takes JSON bodies only (415), of at most 64 KiB (413), and says what is wrong with one (400)', async () => {
    const post = async (headers: Record<string, string>, body: string | Buffer, chunked = false): ReturnType<typeof raw> =>
      await raw(peer.port, { method: 'POST', path: '/api/v1/shelf/rescan', headers: { ...peer.bearer, ...headers }, body, chunked })
    const bad = await post({ 'content-type': 'application/json' }, '{"oops"')
    assert.equal(bad.status, 400)
    assert.deepEqual(json(bad.body), { error: 'the body is not valid JSON', field: 'body' })
    assert.equal((await post({ 'content-type': 'text/plain' }, '{}')).status, 415)
    assert.equal((await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'a=1')).status, 415)
    assert.equal((await post({}, '{}')).status, 415)
    const big = Buffer.alloc(64 * 1024 + 1, 0x20)
    assert.equal((await post({ 'content-type': 'application/json' }, big)).status, 413)
    assert.equal((await post({ 'content-type': 'application/json' }, big, true)).status, 413)
    assert.equal((await post({ 'content-type': 'application/json' }, Buffer.alloc(64 * 1024, 0x20))).status, 200)
    const session = await raw(peer.port, { method: 'POST', path: '/api/v1/session', headers: { 'content-type': 'application/json' }, body: '[1]' })
    assert.deepEqual(json(session.body), { error: 'expected a JSON object', field: 'body' })
  })

  it('checks every value: q empty or over 256 characters, a book ID like ../../etc/passwd, unknown routes, wrong methods', async () => {
    const status = async (path: string, method = 'GET'): Promise<{ status: number, body: any, headers: any }> => {
      const r = await raw(peer.port, { method, path, headers: peer.bearer })
      return { status: r.status, body: r.body === '' ? undefined : json(r.body), headers: r.headers }
    }
    for (const path of ['/api/v1/search', '/api/v1/search?q=', '/api/v1/search?q=%20', `/api/v1/search?q=${'a'.repeat(257)}`]) {
      const r = await status(path)
      assert.equal(r.status, 400, path)
      assert.equal(r.body.field, 'q')
    }
    assert.equal((await status('/api/v1/search?q=moby&limit=1000')).body.field, 'limit')
    for (const path of ['/api/v1/books/..%2F..%2Fetc%2Fpasswd', '/api/v1/shelf/..%2F..%2Fetc%2Fpasswd/file', '/api/v1/books/%2e%2e']) {
      const r = await status(path)
      assert.equal(r.status, 400, path)
      assert.equal(r.body.field, 'id')
    }
    assert.equal((await status('/api/v1/browse/..%2Fx')).body.field, 'peerId')
    assert.equal((await status('/api/v1/nothing')).status, 404)
    assert.equal((await status('/api/v1/books/../../etc/passwd')).status, 404)
    const wrong = await status('/api/v1/shelf', 'DELETE')
    assert.equal(wrong.status, 405)
    assert.equal(wrong.headers.allow, 'GET')
    assert.equal((await status('/api/v1/search?q=moby', 'POST')).status, 405)
    // no CORS: a preflight is just a method we do not take
    const preflight = await status('/api/v1/shelf', 'OPTIONS')
    assert.equal(preflight.status, 405)
    assert.equal(preflight.headers['access-control-allow-origin'], undefined)
  })

  it('puts its security headers on every answer, and no-store on the API', async () => {
    for (const [path, headers] of [['/', {}], ['/api/v1/info', peer.bearer], ['/api/v1/nothing', peer.bearer], ['/api/v1/info', {}], ['/healthz', {}]] as const) {
      const r = await get(path, headers)
      assert.match(r.headers['content-security-policy'] as string, /^default-src 'self'; script-src 'self' 'sha256-[A-Za-z0-9+/=]+'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'$/, path)
      assert.equal(r.headers['x-content-type-options'], 'nosniff', path)
      assert.equal(r.headers['referrer-policy'], 'no-referrer', path)
      assert.equal(r.headers['cross-origin-resource-policy'], 'same-origin', path)
      if (path.startsWith('/api/')) assert.equal(r.headers['cache-control'], 'no-store', path)
      assert.ok(!Object.keys(r.headers).some(h => h.startsWith('access-control-')), path)
    }
  })

  it('serves a shelf book by ID only, as a sandboxed attachment', async () => {
    const r = await fetch(`${peer.base}/api/v1/shelf/${bookId}/file`, { headers: peer.bearer })
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('content-type'), 'application/octet-stream')
    assert.equal(r.headers.get('content-security-policy'), 'sandbox')
    assert.equal(r.headers.get('content-disposition'), 'attachment; filename="Herman Melville - Moby Dick.txt"; filename*=UTF-8\'\'Herman%20Melville%20-%20Moby%20Dick.txt')
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(bookBytes(7, 600_000)))
    const other = 'baga3n2ibciqfuvrholohdbmpq3dpgizkystatbdwnhicja3odoutx2kmjbg23yi'
    assert.equal((await get(`/api/v1/shelf/${other}/file`, peer.bearer)).status, 404)
    assert.equal((await get(`/api/v1/shelf/${bookId}/file`)).status, 401)
  })

  it('answers 429 for 60 s to an address that sent more than 10 bad tokens in a minute, unless the request proves itself', async () => {
    // a server of its own: the lockout is per address, and every test here comes from 127.0.0.1
    const own = await webPeer(index, join(dir, 'lockout'))
    try {
      const origin = `http://127.0.0.1:${own.port}`
      const exchange = async (token: string): Promise<RawResponse> => await raw(own.port, { method: 'POST', path: '/api/v1/session', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ token }) })
      const cookie = ((await exchange(own.token)).headers['set-cookie'] as string[])[0].split(';')[0]
      const statuses: number[] = []
      for (let i = 0; i < 11; i++) statuses.push((await raw(own.port, { path: '/api/v1/info', headers: { authorization: `Bearer wrong-${i}` } })).status)
      assert.deepEqual(statuses, [...Array(10).fill(401), 429])
      // whoever sent them (any program on this machine shares 127.0.0.1), the user is not locked out
      assert.equal((await raw(own.port, { path: '/api/v1/info', headers: own.bearer })).status, 200, 'the right token passes')
      assert.equal((await raw(own.port, { path: '/api/v1/info', headers: { cookie } })).status, 200, 'the session cookie passes')
      assert.equal((await exchange(own.token)).status, 200, 'the right token still buys a cookie')
      // nothing else does, and no guess is judged: a wrong or missing credential waits
      const unproven: Array<Record<string, string>> = [{ authorization: 'Bearer wrong-again' }, { cookie: `arkshare_session_${own.port}=forged` }, {}]
      for (const headers of unproven) {
        const locked = await raw(own.port, { path: '/api/v1/info', headers })
        assert.equal(locked.status, 429, JSON.stringify(headers))
        assert.equal(locked.headers['retry-after'], '60')
      }
      const guess = await exchange('a-guess')
      assert.equal(guess.status, 429)
      assert.equal((await raw(own.port, { path: '/healthz' })).status, 200)
      assert.equal((await raw(own.port, { path: '/' })).status, 200)
    } finally {
      await own.stop()
    }
  })

  it('takes the session from any cookie of its name: one set by another local page does not lock the user out', async () => {
    const own = await webPeer(index, join(dir, 'tossed'))
    try {
      const session = await raw(own.port, { method: 'POST', path: '/api/v1/session', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: own.token }) })
      const cookie = (session.headers['set-cookie'] as string[])[0].split(';')[0]
      // a page on another port of 127.0.0.1 can set a cookie of the same name with a longer path, sent first
      const tossed = `arkshare_session_${own.port}=planted; ${cookie}`
      for (let i = 0; i < 12; i++) assert.equal((await raw(own.port, { path: '/api/v1/shelf', headers: { cookie: tossed } })).status, 200)
      assert.equal((await raw(own.port, { path: '/api/v1/info', headers: { authorization: 'Bearer wrong' } })).status, 401, 'none of them counted as a bad token')
    } finally {
      await own.stop()
    }
  })
})
