import assert from 'node:assert/strict'
import { UploadMeter } from '../../../../src/peer/serving/upload-meter.js'

describe('upload meter', () => {
  it('counts bytes per peer with a rate over the last five whole seconds, fastest first', () => {
    let now = 1_000_000
    const meter = new UploadMeter(() => now)
    const endA = meter.begin('a')
    meter.begin('b')
    for (let s = 0; s < 5; s++) {
      meter.sent('a', 100_000)
      meter.sent('b', 10_000)
      now += 1000
    }
    assert.deepEqual(meter.list(), [
      { peerId: 'a', streams: 1, bytes: 500_000, bytesPerSecond: 100_000 },
      { peerId: 'b', streams: 1, bytes: 50_000, bytesPerSecond: 10_000 }
    ])
    assert.equal(meter.bytesSent, 550_000)
    endA()
    endA()
    now += 6_000
    assert.deepEqual(meter.list().find(p => p.peerId === 'a'), { peerId: 'a', streams: 0, bytes: 500_000, bytesPerSecond: 0 })
  })

  it('forgets a peer idle for 30 s, but not one still being served', () => {
    let now = 0
    const meter = new UploadMeter(() => now)
    meter.begin('served')
    meter.begin('gone')()
    meter.sent('gone', 1)
    now = 31_000
    assert.deepEqual(meter.list().map(p => p.peerId), ['served'])
    assert.equal(meter.bytesSent, 1)
  })
})
