// The addresses an index lists for a provider: the best first, loopback only for a provider on the
// index's own machine, within the wire's eight.
import assert from 'node:assert/strict'
import { listedAddresses } from '../../../src/index-node/listed-addresses.js'

const RELAY = '/ip4/11.0.0.100/tcp/4001/p2p/12D3KooWMz6kaq35c55JHjL6ktLNwx4zqbgAbRoot3wdUZPLzD8R/p2p-circuit'
const LOOPBACK_RELAY = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWMz6kaq35c55JHjL6ktLNwx4zqbgAbRoot3wdUZPLzD8R/p2p-circuit'

describe('listed addresses', () => {
  it('puts public addresses first, then WebRTC through a relay, the relay, private ones; drops loopback for a remote provider', () => {
    assert.deepEqual(listedAddresses(['/ip4/127.0.0.1/tcp/5', '/ip4/10.1.0.2/tcp/5', RELAY, `${RELAY}/webrtc`, LOOPBACK_RELAY, `${LOOPBACK_RELAY}/webrtc`, '/ip4/11.0.0.2/tcp/5'], false),
      ['/ip4/11.0.0.2/tcp/5', `${RELAY}/webrtc`, RELAY, '/ip4/10.1.0.2/tcp/5'])
  })

  it('keeps loopback addresses, last, for a provider connected over loopback', () => {
    assert.deepEqual(listedAddresses(['/ip4/127.0.0.1/tcp/5', '/ip4/10.1.0.2/tcp/5'], true), ['/ip4/10.1.0.2/tcp/5', '/ip4/127.0.0.1/tcp/5'])
  })

  it('lists at most eight, the best ones', () => {
    const many = Array.from({ length: 10 }, (_, i) => `/ip4/10.1.0.${i + 2}/tcp/5`)
    const listed = listedAddresses([...many, '/ip4/11.0.0.2/tcp/5'], false)
    assert.equal(listed.length, 8)
    assert.equal(listed[0], '/ip4/11.0.0.2/tcp/5')
  })
})
