import assert from 'node:assert/strict'
import { HttpError } from '../../../src/http/errors.js'
import { Router, type Route } from '../../../src/http/router.js'

const route = (method: Route['method'], path: string): Route => ({ method, path, handler: () => ({ body: path }) })

function refusal (fn: () => unknown): HttpError {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof HttpError, String(err))
    return err
  }
  assert.fail('expected a refusal')
}

describe('http router', () => {
  const router = new Router([route('GET', '/api/v1/books/:id'), route('GET', '/api/v1/shelf'), route('POST', '/api/v1/shelf/rescan'), route('GET', '/api/v1/shelf/:id/file')])

  it('matches literal paths and decodes parameters once', () => {
    assert.equal(router.match('GET', '/api/v1/shelf').route.path, '/api/v1/shelf')
    const { route: found, params } = router.match('GET', '/api/v1/books/..%2F..%2Fetc%2Fpasswd')
    assert.equal(found.path, '/api/v1/books/:id')
    assert.deepEqual(params, { id: '../../etc/passwd' })
    assert.equal(router.match('HEAD', '/api/v1/shelf').route.method, 'GET')
  })

  it('answers 404 for unknown paths, encoded look-alikes of literal segments included', () => {
    for (const path of ['/api/v1/nothing', '/api/v1/%73helf', '/api/v1/shelf/', '/api/v1//shelf', '/api/v1/books/', '/api/v1/books/a/b']) {
      assert.equal(refusal(() => router.match('GET', path)).status, 404, path)
    }
  })

  it('answers 405 with the allowed methods for a known path', () => {
    const err = refusal(() => router.match('DELETE', '/api/v1/shelf/rescan'))
    assert.equal(err.status, 405)
    assert.equal(err.headers.Allow, 'POST')
  })

  it('answers 400 naming the parameter for a badly encoded one', () => {
    const err = refusal(() => router.match('GET', '/api/v1/books/%E0%A4%A'))
    assert.equal(err.status, 400)
    assert.equal(err.field, 'id')
  })
})
