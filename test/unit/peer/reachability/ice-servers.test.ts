// WebRTC's STUN servers are the indexes' own, derived from their addresses, and nothing else.
import assert from 'node:assert/strict'
import { iceServersFor, stunServerOf } from '../../../../src/peer/reachability/ice-servers.js'

describe('ICE servers', () => {
  it('are exactly the indexes\' STUN responders, at the host and port of each index address', () => {
    assert.deepEqual(iceServersFor([
      '/ip4/11.0.0.100/tcp/4001/p2p/12D3KooWMz6kaq35c55JHjL6ktLNwx4zqbgAbRoot3wdUZPLzD8R',
      '/dns4/index.example.org/tcp/4002',
      '/ip6/2001:db8::1/tcp/4003',
      // the same index twice: one server
      '/ip4/11.0.0.100/tcp/4001'
    ]), [{ urls: ['stun:11.0.0.100:4001', 'stun:index.example.org:4002', 'stun:[2001:db8::1]:4003'] }])
  })

  it('are none without an index (never a public default)', () => {
    assert.deepEqual(iceServersFor([]), [])
    assert.deepEqual(iceServersFor(['/ip4/1.2.3.4/udp/4001/quic-v1', 'not an address']), [])
    assert.equal(stunServerOf('/ip4/1.2.3.4/udp/4001/quic-v1'), undefined)
  })
})
