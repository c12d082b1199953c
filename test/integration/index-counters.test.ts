// An index's counters as its status page and metrics will read them, with real peers: searches and
// registrations by outcome and their rate a second, rate-limited requests, and a listener hearing
// each request's outcome and duration.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { bookBytes, eventually, useSwarm, writeBook } from '../helpers.js'

describe('index counters', function () {
  this.timeout(60_000)
  const swarm = useSwarm({ searchesPerMinute: 5 })

  it('counts searches and registrations by outcome, their rate, and rate-limited requests', async () => {
    const index = swarm.index.services.index
    const heard: Array<{ protocol: string, outcome: string, durationMs: number }> = []
    index.addEventListener('request', (evt) => { heard.push(evt.detail) })
    await writeBook(join(swarm.dir, 'books'), 'Homer - The Odyssey.txt', bookBytes(401, 10_000))
    const sharer = await swarm.peer('sharer', { share: [join(swarm.dir, 'books')] })
    await eventually(() => index.requestCounters().registrations.ok >= 1, 15_000, 'a registration')
    const searcher = await swarm.peer('searcher')
    for (let i = 0; i < 5; i++) assert.equal((await searcher.services.arkshare.search('odyssey')).failures.length, 0)
    await assert.rejects(searcher.services.arkshare.search('odyssey'), /rate limited/)

    const counters = index.requestCounters()
    assert.deepEqual(counters.searches, { ok: 5, rate_limited: 1, invalid: 0, error: 0 })
    assert.equal(counters.rateLimited, 1)
    assert.ok(counters.searchesPerSecond >= 0.6, `${counters.searchesPerSecond} searches/s`)
    assert.ok(counters.registrationsPerSecond > 0)
    assert.equal(counters.registrations.ok, heard.filter(h => h.protocol === 'register' && h.outcome === 'ok').length)
    assert.deepEqual(heard.filter(h => h.protocol === 'search').map(h => h.outcome), ['ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited'])
    assert.ok(heard.every(h => h.durationMs >= 0 && h.durationMs < 10_000))
    // counts only: nothing in them names a peer or a query
    assert.doesNotMatch(JSON.stringify(counters), new RegExp(`${sharer.peerId.toString()}|odyssey`))
  })
})
