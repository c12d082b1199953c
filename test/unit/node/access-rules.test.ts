import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import { AccessRules, AccessRulesError, parseAccessRules } from '../../../src/node/access-rules.js'

const A = '12D3KooWGRUVh1n9yG8sWzD8yK5QuyVcEp9Bi8ooZsdvjy5RuHVK'
const B = '12D3KooWLkPFcFYdbjPfsMCWz8A9wWe213ABw4BfZ45e4DDQ8wtg'
const at = (ip: string): ReturnType<typeof multiaddr> => multiaddr(ip.includes(':') ? `/ip6/${ip}/tcp/1` : `/ip4/${ip}/tcp/1`)

describe('access rules', () => {
  it('denies listed peers and address ranges, and nothing else', () => {
    const rules = new AccessRules()
    rules.set(`# bad actors\n${A}\ndeny 203.0.113.0/24\ndeny 2001:db8::/32\n`)
    assert.equal(rules.connectionDenied(A, at('127.0.0.1')), true)
    assert.equal(rules.connectionDenied(B, at('203.0.113.9')), true)
    assert.equal(rules.connectionDenied(B, at('2001:db8::1')), true)
    assert.equal(rules.connectionDenied(B, at('127.0.0.1')), false)
    assert.equal(rules.addressDenied(at('203.0.113.200')), true, 'refused before the handshake')
    assert.equal(rules.peerDenied(A), true, 'never dialled')
  })

  it('with allow rules, admits only what they match, and deny still wins', () => {
    const rules = new AccessRules()
    rules.set(`allow 127.0.0.0/8\nallow ${B}\ndeny 127.0.0.9`)
    assert.equal(rules.connectionDenied(A, at('127.0.0.1')), false)
    assert.equal(rules.connectionDenied(A, at('198.51.100.1')), true)
    assert.equal(rules.connectionDenied(B, at('198.51.100.1')), false, 'allowed by peer ID')
    assert.equal(rules.connectionDenied(B, at('127.0.0.9')), true, 'deny wins')
  })

  it('names the bad line', () => {
    assert.throws(() => parseAccessRules('deny 10.0.0.0/8\nblock everyone\n'), (err: unknown) => err instanceof AccessRulesError && /line 2/.test(err.message))
    assert.throws(() => parseAccessRules('deny 10.0.0.0/99'), /bad prefix/)
    assert.throws(() => parseAccessRules('not-an-address'), /neither a peer ID/)
  })
})
