// The CLI's --http options: what they parse to, and what a command prints once the server listens.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { InvalidArgumentError } from 'commander'
import { HttpFace } from '../../../src/cli/http.js'
import { httpAddress } from '../../../src/cli/options.js'
import { createOutput } from '../../../src/cli/output.js'
import type { HttpServer } from '../../../src/http/index.js'

function sink (): { stream: Writable, text: () => string } {
  let text = ''
  return { stream: new Writable({ write (chunk, _enc, done) { text += String(chunk); done() } }), text: () => text }
}

/** Stands in for the server, to see what the face prints about it. */
function fakeServer (loopback: boolean): HttpServer {
  return { start: async () => {}, stop: async () => {}, pageUrl: 'http://127.0.0.1:8080/#token=t', loopback } as unknown as HttpServer
}

describe('cli --http', () => {
  it('reads [HOST:]PORT, the host defaulting to loopback', () => {
    assert.deepEqual(httpAddress('8080'), { host: '127.0.0.1', port: 8080 })
    assert.deepEqual(httpAddress('0'), { host: '127.0.0.1', port: 0 })
    assert.deepEqual(httpAddress('0.0.0.0:80'), { host: '0.0.0.0', port: 80 })
    assert.deepEqual(httpAddress('[::1]:9000'), { host: '::1', port: 9000 })
    assert.deepEqual(httpAddress('localhost:1'), { host: 'localhost', port: 1 })
    for (const bad of ['', 'x', '65536', '1.2.3.4:', ':80', '[nothost]:80', 'host:80:90', '-1']) {
      assert.throws(() => httpAddress(bad), InvalidArgumentError, bad)
    }
  })

  it('makes a metrics registry and a server only when asked, with the token file in the data folder by default', async () => {
    assert.equal(new HttpFace({ data: '/d' }).registry, undefined)
    const face = new HttpFace({ data: '/d', http: { host: '127.0.0.1', port: 0 }, httpHost: ['books.example'] })
    assert.ok(face.registry != null)
    let asked: unknown
    await face.create(async (init) => { asked = init; return fakeServer(true) })
    assert.deepEqual({ ...asked as object, registry: undefined }, { host: '127.0.0.1', port: 0, hostNames: ['books.example'], tokenFile: '/d/http-token', registry: undefined })
  })

  it('prints where the page is, and warns of plain HTTP off loopback', async () => {
    for (const [json, loopback] of [[false, true], [true, true], [false, false]] as const) {
      const out = sink()
      const err = sink()
      const face = new HttpFace({ data: '/d', http: { host: loopback ? '127.0.0.1' : '0.0.0.0', port: 8080 }, httpTokenFile: '/t/token' })
      await face.create(async () => fakeServer(loopback))
      await face.start(createOutput(json, out.stream, err.stream))
      if (json) assert.deepEqual(JSON.parse(out.text()), { event: 'http', url: 'http://127.0.0.1:8080/#token=t', tokenFile: '/t/token' })
      else assert.match(out.text(), /^ui: http:\/\/127\.0\.0\.1:8080\/#token=t\n/)
      assert.equal(/warning: .*plain HTTP/.test(out.text() + err.text()), !loopback)
    }
  })
})
