import assert from 'node:assert/strict'
import { BadDataError, UnreachableError } from '../../../../src/peer/download/errors.js'
import { dropReason, OTHER_PROVIDERS, ProviderLedger } from '../../../../src/peer/download/provider-ledger.js'

describe('provider ledger', () => {
  it('numbers providers for the chunk map in the order they are first seen', () => {
    const ledger = new ProviderLedger()
    assert.equal(ledger.entry('a').mapIndex, 1)
    assert.equal(ledger.entry('b').mapIndex, 2)
    assert.equal(ledger.entry('a').mapIndex, 1)
    assert.deepEqual(ledger.providers, ['a', 'b'])
  })

  it('gives every provider past the 253rd one shared "others" entry, so the map stays one byte a chunk', () => {
    const ledger = new ProviderLedger()
    for (let i = 0; i < 300; i++) ledger.entry(`p${i}`).bytes += 10
    assert.equal(ledger.entry('p252').mapIndex, 253)
    assert.equal(ledger.entry('p253').mapIndex, OTHER_PROVIDERS)
    assert.equal(ledger.entry('p299').mapIndex, OTHER_PROVIDERS)
    assert.equal(ledger.providers[OTHER_PROVIDERS - 1], 'others')
    const list = ledger.list()
    assert.equal(list.length, 254)
    assert.equal(list.at(-1)?.bytes, 47 * 10)
  })

  it('classifies why a provider was dropped', () => {
    assert.equal(dropReason(new BadDataError('sent chunk 3 that fails verification')), 'bad_data')
    assert.equal(dropReason(new DOMException('The operation timed out.', 'TimeoutError')), 'stalled')
    assert.equal(dropReason(new UnreachableError('connection refused')), 'unreachable')
    assert.equal(dropReason(new Error('E_NOT_FOUND: this peer does not share it')), 'unreachable')
  })

  it('records a drop with its reason and message, and lists copies', () => {
    const ledger = new ProviderLedger()
    ledger.entry('a').chunksVerified = 3
    ledger.dropped('b', new BadDataError('lied'))
    assert.equal(ledger.isDropped('b'), true)
    assert.equal(ledger.isDropped('a'), false)
    const list = ledger.list()
    assert.deepEqual(list[1].dropped, { reason: 'bad_data', message: 'lied' })
    list[0].chunksVerified = 99
    assert.equal(ledger.entry('a').chunksVerified, 3)
  })
})
