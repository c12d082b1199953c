import assert from 'node:assert/strict'
import { RequestError, Status } from '../../../src/wire/errors.js'
import { outcomeOf, RateMeter, RequestCounters } from '../../../src/index-node/request-counters.js'

describe('index request counters', () => {
  it('averages a rate over the last ten seconds, forgetting older ones', () => {
    let now = 100_000
    const meter = new RateMeter(() => now)
    for (let i = 0; i < 50; i++) meter.record()
    assert.equal(meter.perSecond(), 5)
    now += 5_000
    for (let i = 0; i < 30; i++) meter.record()
    assert.equal(meter.perSecond(), 8)
    now += 6_000
    // the first 50 are more than ten seconds old
    assert.equal(meter.perSecond(), 3)
    now += 60_000
    assert.equal(meter.perSecond(), 0)
  })

  it('sorts a refusal into rate limited, invalid or the index\'s own error', () => {
    assert.equal(outcomeOf(new RequestError(Status.E_RATE_LIMITED, 'slow down', 3)), 'rate_limited')
    for (const status of [Status.E_INVALID_REQUEST, Status.E_MESSAGE_TOO_LARGE, Status.E_INVALID_TTL, Status.E_NOT_FOUND]) {
      assert.equal(outcomeOf(new RequestError(status, 'no')), 'invalid')
    }
    assert.equal(outcomeOf(new RequestError(Status.E_UNAVAILABLE, 'stopping')), 'error')
    assert.equal(outcomeOf(new Error('disk I/O error')), 'error')
  })

  it('counts requests by protocol and outcome, and refusals, in a snapshot', () => {
    let streams = 0
    const counters = new RequestCounters(() => 1_000_000, () => streams)
    counters.request('search', 'ok')
    counters.request('search', 'rate_limited')
    counters.request('register', 'rate_limited')
    counters.request('register', 'ok')
    counters.request('register', 'invalid')
    counters.connectionRefused('denied')
    counters.connectionRefused('per_ip_limit')
    counters.connectionRefused('per_ip_limit')
    streams = 4
    assert.deepEqual(counters.snapshot(), {
      searches: { ok: 1, rate_limited: 1, invalid: 0, error: 0 },
      registrations: { ok: 1, rate_limited: 1, invalid: 1, error: 0 },
      searchesPerSecond: 0.2,
      registrationsPerSecond: 0.3,
      rateLimited: 2,
      streamsRefused: 4,
      connectionsRefused: { denied: 1, perIpLimit: 2 }
    })
  })
})
