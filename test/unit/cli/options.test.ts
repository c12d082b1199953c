// The CLI's option parsers: what they accept, and the one-line reasons they give for what they refuse.
import assert from 'node:assert/strict'
import { InvalidArgumentError } from 'commander'
import { collect, limit, nonNegativeInt, positiveInt, rate, requireIndexOrBootstrap } from '../../../src/cli/options.js'

describe('cli option parsers', () => {
  it('collect keeps every occurrence of a repeatable option, in order', () => {
    assert.deepEqual(collect('a'), ['a'])
    assert.deepEqual(collect('b', collect('a')), ['a', 'b'])
  })

  it('rate reads a byte rate and refuses anything else as an invalid argument', () => {
    assert.equal(rate('2MiB/s'), 2 * 1024 * 1024)
    // unlimited lifts a limit the config file sets
    assert.equal(limit(rate('Unlimited')), undefined)
    assert.equal(limit(rate('1KiB')), 1024)
    assert.throws(() => rate('lots'), InvalidArgumentError)
  })

  it('positiveInt takes whole numbers above zero', () => {
    assert.equal(positiveInt('300'), 300)
    for (const bad of ['0', '-1', '1.5', 'abc', '']) {
      assert.throws(() => positiveInt(bad), (err: Error) => err instanceof InvalidArgumentError && err.message === 'expected a positive whole number', bad)
    }
  })

  it('nonNegativeInt takes zero and whole numbers above it', () => {
    assert.equal(nonNegativeInt('0'), 0)
    assert.equal(nonNegativeInt('50'), 50)
    for (const bad of ['-5', '2.5', 'x']) {
      assert.throws(() => nonNegativeInt(bad), (err: Error) => err instanceof InvalidArgumentError && err.message === 'expected a whole number', bad)
    }
  })

  it('requireIndexOrBootstrap wants an index or a bootstrap peer', () => {
    requireIndexOrBootstrap({ index: ['/ip4/127.0.0.1/tcp/1'] })
    requireIndexOrBootstrap({ bootstrap: ['/ip4/127.0.0.1/tcp/1'] })
    assert.throws(() => { requireIndexOrBootstrap({}) }, /give --index \(or, with --dht, --bootstrap\)/)
    assert.throws(() => { requireIndexOrBootstrap({ index: [], bootstrap: [] }) }, InvalidArgumentError)
  })
})
