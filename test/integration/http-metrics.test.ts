// /metrics against real nodes on loopback: a scrape parses as Prometheus text, arkshare's series
// move after a search and a download, labels never carry an ID or a query, two nodes in one
// process keep their series apart, and an index counts what it answered and refused.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { bookBytes, eventually, LOOPBACK, removeDir, startPeer, tempDir, waitForProviders, writeBook } from '../helpers.js'
import { createArkshareNode } from '../../src/node/create-node.js'
import { SEARCH_PROTOCOL } from '../../src/wire/protocols.js'
import { webIndex, webPeer, type WebNode } from '../support/http.js'
import type { ArkshareNode, IndexNode } from '../../src/node/create-node.js'

interface Sample { name: string, labels: Record<string, string>, value: number }

/** Parses Prometheus text exposition: every sample line, checked to have its HELP and TYPE. */
function parse (text: string): Sample[] {
  const described = new Set<string>()
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line)
    if (meta != null) {
      if (meta[1] === 'TYPE') {
        assert.match(meta[3], /^(counter|gauge|histogram|summary|untyped)$/, line)
        described.add(meta[2])
      }
      continue
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/i.exec(line)
    assert.ok(m != null, `not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2]
    const base = m[1].replace(/_(bucket|sum|count)$/, '')
    assert.ok(described.has(m[1]) || described.has(base), `no TYPE for ${m[1]}`)
    samples.push({ name: m[1], labels, value: Number(m[3]) })
  }
  return samples
}

async function scrape (node: WebNode<any>): Promise<Sample[]> {
  const r = await fetch(`${node.base}/metrics`)
  assert.equal(r.status, 200)
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  return parse(await r.text())
}

function value (samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  assert.ok(found.length > 0, `no sample ${name} ${JSON.stringify(labels)}`)
  return found.reduce((n, s) => n + s.value, 0)
}

describe('HTTP metrics', function () {
  this.timeout(60_000)
  let dir: string
  let index: WebNode<IndexNode>
  let provider: ArkshareNode
  let a: WebNode<ArkshareNode>
  let b: WebNode<ArkshareNode>
  let bookId: string

  before(async () => {
    dir = await tempDir()
    index = await webIndex(dir)
    await writeBook(join(dir, 'provider'), 'Herman Melville - Moby Dick.txt', bookBytes(1, 900_000))
    await writeBook(join(dir, 'b-shelf'), 'Jane Austen - Emma.txt', bookBytes(2, 1_000))
    await writeBook(join(dir, 'b-shelf'), 'Jane Austen - Persuasion.txt', bookBytes(3, 2_000))
    provider = await startPeer(index.node, { share: [join(dir, 'provider')], dataDir: join(dir, 'provider-data') })
    // two web peers built at once in one process, each with its registry
    ;[a, b] = await Promise.all([webPeer(index.node, join(dir, 'a')), webPeer(index.node, join(dir, 'b'), { share: [join(dir, 'b-shelf')] })])
    bookId = await eventually(() => provider.services.arkshare.list()[0]?.id)
    await waitForProviders(index.node, bookId, 1)
    await eventually(() => b.node.services.arkshare.list().length === 2)
  })

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await provider?.stop()
    await index?.stop()
    await removeDir(dir)
  })

  it('parses, with process_*, nodejs_*, libp2p\'s series and the build info', async () => {
    const samples = await scrape(a)
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'libp2p_connection_manager_connections']) {
      assert.ok(samples.some(s => s.name === name), name)
    }
    assert.ok(samples.filter(s => s.name.startsWith('libp2p_')).length > 20)
    assert.equal(value(samples, 'arkshare_build_info', { role: 'peer' }), 1)
    assert.match(samples.find(s => s.name === 'arkshare_build_info')?.labels.version ?? '', /^\d+\.\d+\.\d+/)
  })

  it('moves after a search and a download, with labels that never carry an ID or a query', async () => {
    const before = await scrape(a)
    assert.equal((await fetch(`${a.base}/api/v1/search?q=melville`)).status, 401)
    const search = await fetch(`${a.base}/api/v1/search?q=melville`, { headers: a.bearer })
    assert.equal(search.status, 200)
    await a.node.services.arkshare.get(bookId)
    await a.node.services.arkshare.search('melville')
    const after = await scrape(a)
    assert.equal(value(after, 'arkshare_search_duration_seconds_count') - value(before, 'arkshare_search_duration_seconds_count'), 2, 'the API\'s search and the shell\'s')
    assert.equal(value(after, 'arkshare_downloads_total', { result: 'done' }) - value(before, 'arkshare_downloads_total', { result: 'done' }), 1)
    assert.equal(value(after, 'arkshare_download_duration_seconds_count') - value(before, 'arkshare_download_duration_seconds_count'), 1)
    assert.ok(value(after, 'arkshare_transfer_bytes_total', { direction: 'down' }) - value(before, 'arkshare_transfer_bytes_total', { direction: 'down' }) >= 900_000)
    assert.equal(value(after, 'arkshare_chunks_verified_total') - value(before, 'arkshare_chunks_verified_total'), 4)
    assert.equal(value(after, 'arkshare_shelf_books'), 1, 'the download is on the shelf')
    assert.equal(value(after, 'arkshare_shelf_bytes'), 900_000)
    assert.equal(value(after, 'arkshare_indexes_registered'), 1)
    assert.equal(value(after, 'arkshare_http_requests_total', { route: '/api/v1/search', code: '200' }), 1)
    assert.equal(value(after, 'arkshare_http_requests_total', { route: '/api/v1/search', code: '401' }), 1, 'a refusal counts under its route')
    assert.ok(value(after, 'arkshare_http_request_duration_seconds_count', { route: '/metrics' }) >= 1)
    const ids = [bookId, provider.peerId.toString(), a.node.peerId.toString(), index.node.peerId.toString()]
    for (const s of after) {
      for (const label of Object.values(s.labels)) {
        assert.ok(!ids.some(id => label.includes(id)) && !label.includes('melville'), `${s.name} carries ${label}`)
      }
    }
  })

  it('keeps two nodes in one process apart', async () => {
    await fetch(`${b.base}/api/v1/shelf`, { headers: b.bearer })
    const [sa, sb] = await Promise.all([scrape(a), scrape(b)])
    assert.equal(value(sb, 'arkshare_shelf_books'), 2)
    assert.equal(value(sb, 'arkshare_shelf_bytes'), 3_000)
    assert.equal(value(sa, 'arkshare_shelf_books'), 1)
    assert.equal(value(sb, 'arkshare_downloads_total', { result: 'done' }), 0)
    assert.equal(value(sb, 'arkshare_http_requests_total', { route: '/api/v1/shelf', code: '200' }), 1)
    assert.equal(sa.filter(s => s.name === 'arkshare_http_requests_total' && s.labels.route === '/api/v1/shelf').length, 0)
    for (const samples of [sa, sb]) {
      const names = new Set(samples.map(s => s.name))
      assert.ok(names.has('libp2p_connection_manager_connections') && names.has('libp2p_tcp_listener_status_info'), 'each node has libp2p\'s series')
    }
    // the connections each node's libp2p series counts are its own
    const open = (samples: typeof sa): number => value(samples, 'libp2p_connection_manager_connections')
    assert.equal(open(sa), a.node.getConnections().length)
    assert.equal(open(sb), b.node.getConnections().length)
    assert.notEqual(a.registry, b.registry)
  })

  it('an index counts its catalog, and serves its metrics openly on loopback', async () => {
    const samples = await scrape(index)
    assert.equal(value(samples, 'arkshare_index_peers_online'), 3)
    assert.equal(value(samples, 'arkshare_index_books'), index.node.services.index.stats().books)
    assert.equal(value(samples, 'arkshare_build_info', { role: 'index' }), 1)
    // the peers' search (the test before) and their registrations, by outcome
    assert.ok(value(samples, 'arkshare_index_searches_total', { result: 'ok' }) >= 1)
    assert.ok(value(samples, 'arkshare_index_registrations_total', { result: 'ok' }) >= 2)
    assert.ok(value(samples, 'arkshare_index_search_duration_seconds_count') >= 1)
    for (const result of ['rate_limited', 'invalid', 'error']) assert.equal(value(samples, 'arkshare_index_searches_total', { result }), 0)
  })

  it('an index counts rate-limited searches, refused streams and connections, in its metrics and its status', async () => {
    const own = await webIndex(join(dir, 'strict'), { searchesPerMinute: 2, maxOpenStreams: 4, connectionLimits: { maxConnectionsPerIp: 2 } })
    const nodes: Array<{ stop: () => void | Promise<void> }> = []
    try {
      const before = await scrape(own)
      for (const name of ['arkshare_index_streams_refused_total', 'arkshare_index_search_duration_seconds_count']) assert.equal(value(before, name), 0, name)
      assert.equal(value(before, 'arkshare_index_connections_refused_total', { reason: 'per_ip_limit' }), 0)
      const searcher = await startPeer(own.node)
      nodes.push(searcher)
      await searcher.services.arkshare.search('anything')
      await searcher.services.arkshare.search('anything')
      await assert.rejects(searcher.services.arkshare.search('anything'), /rate limited/)
      // idle streams past the cap of 4, from a second connection
      const opener = await createArkshareNode({ listen: [LOOPBACK] })
      nodes.push(opener)
      const streams = await Promise.allSettled(Array.from({ length: 6 }, async () => await opener.dialProtocol(own.node.getMultiaddrs()[0], SEARCH_PROTOCOL)))
      assert.equal(streams.filter(s => s.status === 'fulfilled').length, 6, 'a refused stream is opened, then answered and closed')
      // a third connection from 127.0.0.1
      const third = await createArkshareNode({ listen: [LOOPBACK] })
      nodes.push(third)
      await assert.rejects(third.dial(own.node.getMultiaddrs()[0]).then(async (c) => { await c.newStream(SEARCH_PROTOCOL) }))

      const after = await eventually(async () => {
        const s = await scrape(own)
        return value(s, 'arkshare_index_streams_refused_total') >= 2 && value(s, 'arkshare_index_connections_refused_total', { reason: 'per_ip_limit' }) >= 1 && s
      })
      assert.equal(value(after, 'arkshare_index_searches_total', { result: 'ok' }), 2)
      assert.equal(value(after, 'arkshare_index_searches_total', { result: 'rate_limited' }), 1)
      assert.equal(value(after, 'arkshare_index_search_duration_seconds_count'), 3)
      assert.equal(value(after, 'arkshare_index_connections_refused_total', { reason: 'denied' }), 0)
      const status = await (await fetch(`${own.base}/api/v1/status`)).json() as any
      assert.equal(status.rateLimited, 1)
      assert.deepEqual(status.searches, { ok: 2, rate_limited: 1, invalid: 0, error: 0 })
      assert.ok(status.searchesPerSecond > 0)
      assert.ok(status.streamsRefused >= 2)
      assert.ok(status.connectionsRefused.perIpLimit >= 1)
    } finally {
      for (const node of nodes) await node.stop()
      await own.stop()
    }
  })
})
