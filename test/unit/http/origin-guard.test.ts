import assert from 'node:assert/strict'
import { HttpError } from '../../../src/http/errors.js'
import { allowedHosts, isLoopback, OriginGuard } from '../../../src/http/security/origin-guard.js'

function status (fn: () => void): number | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    assert.ok(err instanceof HttpError)
    return err.status
  }
}

describe('http origin guard', () => {
  const guard = new OriginGuard(allowedHosts('127.0.0.1', 8080, ['books.example', 'proxy.example:443']))

  it('answers to loopback names, the bound address and the names given, on our port', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'LOCALHOST:8080', 'books.example', 'books.example:8080', 'proxy.example:443']) {
      assert.equal(status(() => { guard.checkHost({ host }) }), undefined, host)
    }
    for (const host of [undefined, '', '127.0.0.1', '127.0.0.1:8081', 'evil.example:8080', 'localhost.evil.example:8080', 'proxy.example']) {
      assert.equal(status(() => { guard.checkHost({ host }) }), 421, String(host))
    }
    assert.ok(allowedHosts('::1', 9, []).has('[::1]:9'))
    assert.ok(allowedHosts('192.168.1.5', 9, []).has('192.168.1.5:9'))
  })

  it('refuses same-site, cross-site and foreign-origin requests', () => {
    assert.equal(status(() => { guard.checkSource({ 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:8080' }) }), undefined)
    assert.equal(status(() => { guard.checkSource({ 'sec-fetch-site': 'none' }) }), undefined)
    assert.equal(status(() => { guard.checkSource({}) }), undefined)
    assert.equal(status(() => { guard.checkSource({ 'sec-fetch-site': 'same-site' }) }), 403)
    assert.equal(status(() => { guard.checkSource({ 'sec-fetch-site': 'cross-site' }) }), 403)
    assert.equal(status(() => { guard.checkSource({ origin: 'http://localhost:3000' }) }), 403)
    assert.equal(status(() => { guard.checkSource({ origin: 'null' }) }), 403)
    assert.equal(status(() => { guard.checkSource({ origin: 'https://127.0.0.1:8080' }) }), 403)
  })

  it('lets a cookie alone change something only with our Origin', () => {
    assert.equal(status(() => { guard.checkCookieChange('GET', {}) }), undefined)
    assert.equal(status(() => { guard.checkCookieChange('POST', {}) }), 403)
    assert.equal(status(() => { guard.checkCookieChange('POST', { origin: 'http://localhost:8080' }) }), undefined)
    assert.equal(status(() => { guard.checkCookieChange('DELETE', { origin: 'http://localhost:9999' }) }), 403)
  })

  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) assert.equal(isLoopback(h), true, h)
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com']) assert.equal(isLoopback(h), false, h)
  })
})
