import assert from 'node:assert/strict'
import { PeerStats } from '../../../src/peer/peer-stats.js'

describe('peer ranking', () => {
  it('prefers measured throughput, then latency, then the index order', () => {
    const stats = new PeerStats()
    const providers = ['unknown-1', 'slow-rtt', 'fast-rtt', 'slow-rate', 'fast-rate', 'unknown-2'].map(peerId => ({ peerId }))
    stats.recordRtt('slow-rtt', 80)
    stats.recordRtt('fast-rtt', 3)
    stats.recordTransfer('slow-rate', 1_000_000, 1000)
    stats.recordTransfer('fast-rate', 8_000_000, 1000)
    assert.deepEqual(stats.rank(providers).map(p => p.peerId), ['fast-rate', 'slow-rate', 'fast-rtt', 'slow-rtt', 'unknown-1', 'unknown-2'])
    const listed = stats.list()
    assert.deepEqual(listed.map(m => m.peerId).sort(), ['fast-rate', 'fast-rtt', 'slow-rate', 'slow-rtt'])
    assert.equal(listed.find(m => m.peerId === 'fast-rtt')?.rttMs, 3)
    assert.equal(listed.find(m => m.peerId === 'fast-rate')?.bytesPerSecond, 8_000_000)
  })

  it('smooths measurements instead of trusting the last one alone', () => {
    const stats = new PeerStats()
    stats.recordRtt('p', 10)
    stats.recordRtt('p', 110)
    const rtt = stats.get('p')?.rttMs as number
    assert.ok(rtt > 10 && rtt < 110)
  })
})
