import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { EventHub } from '../../../src/http/events/event-hub.js'
import { sendError } from '../../../src/http/responses.js'
import { collectEvents } from '../../support/http.js'

describe('http event hub', () => {
  let server: Server
  let hub: EventHub
  let base: string
  const counts: number[] = []

  beforeEach(async () => {
    hub = new EventHub({ snapshot: (client) => ({ asked: client.options.get('download') }), maxClients: 2, pingMs: 30, onClients: (n) => counts.push(n) })
    hub.start()
    server = createServer((req, res) => {
      const query = new URLSearchParams(req.url?.split('?')[1] ?? '')
      hub.open({ req, res, params: {}, query, body: undefined, address: '', signal: new AbortController().signal }).catch((err) => { sendError(res, err) })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })

  afterEach(async () => {
    hub.stop()
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })

  it('sends a snapshot first, then broadcasts, and pings', async () => {
    const seen = collectEvents(`${base}/?download=abc`, {}, (events) => events.filter(e => e.event === ':').length >= 2 && events.some(e => e.event === 'shelf'))
    await new Promise(resolve => setTimeout(resolve, 50))
    hub.broadcast('shelf', { books: 3 })
    hub.broadcast('download:detail', { id: 'other' }, (client) => client.options.get('download') === 'other')
    const events = await seen
    assert.deepEqual(events[0], { event: 'snapshot', data: { asked: 'abc' } })
    assert.deepEqual(events.find(e => e.event === 'shelf')?.data, { books: 3 })
    assert.equal(events.find(e => e.event === 'download:detail'), undefined, 'only to streams that asked')
    assert.ok(events.some(e => e.event === ':' && e.data === 'ping'))
  })

  it('holds a bounded number of streams, and counts them', async () => {
    const open = [1, 2].map(async () => await fetch(base))
    const held = await Promise.all(open)
    assert.deepEqual(held.map(r => r.status), [200, 200])
    const third = await fetch(base)
    assert.equal(third.status, 503)
    assert.equal(hub.size, 2)
    await Promise.all(held.map(async r => { await r.body?.cancel() }))
    await new Promise(resolve => setTimeout(resolve, 100))
    assert.equal(hub.size, 0)
    assert.ok(counts.includes(2) && counts.at(-1) === 0)
  })
})
