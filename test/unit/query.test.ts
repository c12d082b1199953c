import assert from 'node:assert/strict'
import { parseQuery, QueryError, tokenize, toAuthorMatch, toExclusionMatch, toFtsMatch } from '../../src/index-node/query.js'

describe('query language', () => {
  it('parses words, phrases, exclusions and filters, case-insensitively', () => {
    const q = parseQuery('Moby "White Whale" -abridged FORMAT:.EPUB author:Melville Lang:EN size>1MiB size<=2mib')
    assert.deepEqual(q.terms, ['moby'])
    assert.deepEqual(q.phrases, ['white whale'])
    assert.deepEqual(q.excluded, ['abridged'])
    assert.equal(q.format, 'epub')
    assert.deepEqual(q.author, ['melville'])
    assert.equal(q.language, 'en')
    assert.equal(q.minSize, 1024 * 1024 + 1)
    assert.equal(q.maxSize, 2 * 1024 * 1024)
    assert.equal(q.prefixLast, true, 'the last bare word is a prefix even when filters follow')
  })

  it('reads every size operator and unit', () => {
    assert.equal(parseQuery('size>=10').minSize, 10)
    assert.equal(parseQuery('size<10B').maxSize, 9)
    assert.equal(parseQuery('size>1kb').minSize, 1025, 'KB is read as KiB')
    assert.equal(parseQuery('size>=1.5MB').minSize, 1.5 * 1024 ** 2)
    assert.equal(parseQuery('size<=2GiB').maxSize, 2 * 1024 ** 3)
    const exact = parseQuery('size:500KiB')
    assert.equal(exact.minSize, 500 * 1024)
    assert.equal(exact.maxSize, 500 * 1024)
    assert.equal(parseQuery('language:pt-BR').language, 'pt-br')
    assert.deepEqual(parseQuery('author:"Jane Austen"').author, ['jane', 'austen'])
  })

  it('tokenises as unicode61 does', () => {
    assert.deepEqual(tokenize("Sherlock's"), ['sherlock', 's'])
    assert.deepEqual(tokenize('Les Misérables, vol.2'), ['les', 'misérables', 'vol', '2'])
    assert.deepEqual(tokenize('Mise\u0301rables'), ['mise\u0301rables'], 'a combining accent stays inside its word')
    assert.deepEqual(tokenize('\u0301 -- ...'), [])
    assert.deepEqual(parseQuery("sherlock's").terms, ['sherlock', 's'])
  })

  it('makes only the last bare word of 3+ letters a prefix', () => {
    assert.equal(toFtsMatch(parseQuery('moby di')), '"moby" AND "di"')
    assert.equal(toFtsMatch(parseQuery('dick mob')), '"dick" AND "mob"*')
    assert.equal(toFtsMatch(parseQuery('mob "white whale"')), '"mob"* AND "white whale"')
    assert.equal(toFtsMatch(parseQuery('"moby"')), '"moby"', 'a quoted word is exact')
  })

  it('builds author and exclusion expressions apart from the words', () => {
    const q = parseQuery('emma author:jane author:austen -"sea story" -sherlock\'s -abridged')
    assert.equal(toFtsMatch(q), '"emma"*')
    assert.equal(toAuthorMatch(q), 'author : ("jane" AND "austen")')
    assert.equal(toExclusionMatch(q), '"sea story" OR "sherlock s" OR "abridged"')
    const filtersOnly = parseQuery('author:austen format:epub')
    assert.equal(toFtsMatch(filtersOnly), undefined, 'filters alone are not text terms')
    assert.equal(toExclusionMatch(filtersOnly), undefined)
  })

  it('quotes every token so input cannot become FTS5 syntax', () => {
    for (const input of ['title:x OR *', 'NEAR("a" "b") "un"balanced', '"unbalanced', 'a""b', 'x^y {title}:z', 'AND OR NOT']) {
      const match = toFtsMatch(parseQuery(input))
      assert.ok(match != null, input)
      for (const token of match.split(' AND ')) assert.match(token, /^"[^"]+"\*?$/, `${input} → ${match}`)
    }
    assert.deepEqual(parseQuery('title:x OR *').terms, ['title', 'x', 'or'])
  })

  it('refuses empty, exclusion-only, over-long, negated-filter and badly sized queries', () => {
    assert.throws(() => parseQuery('   '), QueryError)
    assert.throws(() => parseQuery('!!! ""'), /nothing to search for/)
    assert.throws(() => parseQuery('-moby -"white whale"'), /nothing to search for/)
    assert.throws(() => parseQuery('author:!!'), /nothing to search for/)
    assert.throws(() => parseQuery('x'.repeat(257)), /longer than 256/)
    assert.doesNotThrow(() => parseQuery('x'.repeat(256)))
    assert.throws(() => parseQuery(Array.from({ length: 33 }, (_, i) => `w${i}`).join(' ')), /more than 32/)
    assert.doesNotThrow(() => parseQuery(Array.from({ length: 32 }, (_, i) => `w${i}`).join(' ')))
    assert.throws(() => parseQuery('size>lots'), /not a size/)
    assert.throws(() => parseQuery('size>1TB'), /not a size/)
    assert.throws(() => parseQuery('format>epub'), /format takes ":"/)
    assert.throws(() => parseQuery('moby -format:pdf'), /cannot be negated/)
    assert.doesNotThrow(() => parseQuery('-moby format:epub'), 'an exclusion with a filter has something to search')
  })
})
