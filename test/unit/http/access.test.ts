import assert from 'node:assert/strict'
import { accessRule } from '../../../src/http/security/access.js'

describe('http access rule', () => {
  it('a peer needs the token for every /api/* even on loopback, not for its metrics there', () => {
    const peer = accessRule('peer', '127.0.0.1')
    assert.equal(peer('/api/v1/info'), 'token')
    assert.equal(peer('/api/v1/events'), 'token')
    assert.equal(peer('/metrics'), 'open')
    assert.equal(peer('/healthz'), 'open')
  })

  it('an index on loopback is open; off loopback everything but /healthz needs the token', () => {
    const local = accessRule('index', 'localhost')
    assert.equal(local('/api/v1/status'), 'open')
    assert.equal(local('/metrics'), 'open')
    for (const role of ['index', 'peer'] as const) {
      const open = accessRule(role, '0.0.0.0')
      for (const path of ['/api/v1/status', '/api/v1/info', '/metrics', '/nothing']) assert.equal(open(path), 'token', `${role} ${path}`)
      assert.equal(open('/healthz'), 'open')
    }
  })
})
