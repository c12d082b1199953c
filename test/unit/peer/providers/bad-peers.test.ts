// The bad-peer list: a provider caught lying is skipped, and only for a while.
import assert from 'node:assert/strict'
import { BadPeerList } from '../../../../src/peer/providers/bad-peers.js'

describe('bad peers', () => {
  it('skips a peer caught sending bad data until its time is up', async () => {
    const bad = new BadPeerList(50)
    bad.add('liar', 'sent chunk 3 that fails verification')
    assert.equal(bad.has('liar'), true)
    assert.equal(bad.has('honest'), false)
    const [listed] = bad.list()
    assert.equal(listed.peerId, 'liar')
    assert.equal(listed.reason, 'sent chunk 3 that fails verification')
    assert.ok(listed.until > Date.now() && listed.until <= Date.now() + 50)
    await new Promise(resolve => setTimeout(resolve, 80))
    assert.equal(bad.has('liar'), false)
    assert.deepEqual(bad.list(), [])
  })
})
