import assert from 'node:assert/strict'
import { checkLimits, InvalidLimitError } from '../../../src/peer/limits.js'

describe('peer limits', () => {
  it('takes positive rates, null to lift one, and whole counts of at least 1', () => {
    const ok = { maxUploadBytesPerSecond: 1024, maxUploadBytesPerSecondPerPeer: null, uploadSlots: 2, maxActiveDownloads: 1 }
    assert.deepEqual(checkLimits(ok), ok)
  })

  it('refuses a value out of range, naming the field', () => {
    for (const [changes, field] of [
      [{ maxUploadBytesPerSecond: 0 }, 'maxUploadBytesPerSecond'],
      [{ maxDownloadBytesPerSecond: -5 }, 'maxDownloadBytesPerSecond'],
      [{ maxUploadBytesPerSecondPerPeer: Number.NaN }, 'maxUploadBytesPerSecondPerPeer'],
      [{ uploadSlots: 1.5 }, 'uploadSlots'],
      [{ maxActiveDownloads: 0 }, 'maxActiveDownloads']
    ] as const) {
      assert.throws(() => checkLimits(changes), (err: InvalidLimitError) => err instanceof InvalidLimitError && err.field === field && err.name === 'InvalidParametersError')
    }
    assert.throws(() => checkLimits({ speed: 1 } as any), /unknown limit "speed"/)
  })
})
