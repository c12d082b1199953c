import assert from 'node:assert/strict'
import { TermOrder } from '../../../../src/index-node/text-index/term-order.js'
import { mulberry32 } from '../../../../scripts/prng.js'

/** Words over a small alphabet, so that prefixes are shared by many and runs interleave. */
function randomWord (random: () => number): string {
  return Array.from({ length: 1 + Math.floor(random() * 5) }, () => 'abcd'[Math.floor(random() * 4)]).join('')
}

/** The terms with the prefix, alphabetically: the slow and obvious way. */
function expected (names: string[], prefix: string, keep: (term: number) => boolean): number[] {
  return names.map((name, term) => ({ name, term })).filter(({ name, term }) => name.startsWith(prefix) && keep(term))
    .sort((a, b) => a.name < b.name ? -1 : 1).map(({ term }) => term)
}

describe('TermOrder', () => {
  for (const [how, mergeStep] of [['long merges made at once', undefined], ['long merges made a few terms a search', 8]] as const) {
    it(`finds every term with a prefix, alphabetically, whenever terms are added between searches (${how})`, () => {
      const random = mulberry32(7)
      const names: string[] = []
      const order = new TermOrder((term) => names[term], mergeStep)
      const keep = (term: number): boolean => term % 5 !== 0
      for (let round = 0; round < 300; round++) {
      // a few terms or many at once, so runs of every length get merged
        const adding = round % 37 === 0 ? 200 : Math.floor(random() * 6)
        for (let i = 0; i < adding; i++) {
          const name = `${randomWord(random)}${names.length}`
          names.push(name)
          order.add(names.length - 1)
        }
        for (const prefix of ['', 'a', 'ab', 'dc', randomWord(random)]) {
          assert.deepEqual(order.withPrefix(prefix, keep), expected(names, prefix, keep), `round ${round}, prefix '${prefix}'`)
        }
      }
    })
  }

  it('restores what it saved, with the terms not merged yet, and keeps ordering terms added after', () => {
    const random = mulberry32(11)
    const names: string[] = []
    // merges of more than 8 terms go a step a search: one is under way when it saves
    const order = new TermOrder((term) => names[term], 8)
    const add = (to: TermOrder, count: number): void => {
      for (let i = 0; i < count; i++) {
        names.push(`${randomWord(random)}${names.length}`)
        to.add(names.length - 1)
      }
    }
    add(order, 500)
    order.withPrefix('a', () => true)
    add(order, 40) // pending, and runs of several lengths
    const { sorted, unsorted } = order.saved()
    assert.equal(sorted.length + unsorted.length, names.length)
    const restored = new TermOrder((term) => names[term])
    restored.restore(sorted, unsorted)
    add(restored, 60)
    for (const prefix of ['', 'b', 'cd', 'dda']) assert.deepEqual(restored.withPrefix(prefix, () => true), expected(names, prefix, () => true))
  })
})
