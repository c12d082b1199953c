import assert from 'node:assert/strict'
import { QueryError } from '../../../src/index-node/errors.js'
import { parseQuery, tokenize } from '../../../src/index-node/query.js'

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

  it('tokenises into folded lower-case words', () => {
    assert.deepEqual(tokenize("Sherlock's"), ['sherlock', 's'])
    assert.deepEqual(tokenize('Les Misérables, vol.2'), ['les', 'miserables', 'vol', '2'])
    assert.deepEqual(tokenize('Mise\u0301rables'), ['miserables'], 'a decomposed accent folds like a composed one')
    assert.deepEqual(tokenize('ＡＢＣ ﬁn Ærø'), ['abc', 'fin', 'ærø'], 'compatibility forms fold too')
    assert.deepEqual(tokenize('\u0301 -- ...'), [])
    assert.deepEqual(parseQuery("sherlock's").terms, ['sherlock', 's'])
  })

  it('makes only the last bare word of 3+ letters a prefix', () => {
    assert.equal(parseQuery('moby di').prefixLast, false)
    assert.equal(parseQuery('dick mob').prefixLast, true)
    const q = parseQuery('mob "white whale"')
    assert.deepEqual([q.terms, q.phrases, q.prefixLast], [['mob'], ['white whale'], true])
    assert.equal(parseQuery('"moby"').prefixLast, false, 'a quoted word is exact')
  })

  it('keeps author words and exclusions apart from the words', () => {
    const q = parseQuery('emma author:jane author:austen -"sea story" -sherlock\'s -abridged')
    assert.deepEqual(q.terms, ['emma'])
    assert.deepEqual(q.author, ['jane', 'austen'])
    assert.deepEqual(q.excluded, ['sea story', 'sherlock s', 'abridged'])
    const filtersOnly = parseQuery('author:austen format:epub')
    assert.deepEqual([filtersOnly.terms, filtersOnly.excluded, filtersOnly.format], [[], [], 'epub'])
  })

  it('reads search-engine syntax as plain words', () => {
    assert.deepEqual(parseQuery('title:x OR *').terms, ['title', 'x', 'or'])
    assert.deepEqual(parseQuery('NEAR("a" "b")').terms, ['near', 'a'])
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

  it('counts as terms the words of bare words, phrases, exclusions and author filters, not other filters (spec 5.3)', () => {
    const words = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => `w${i + from}`).join(' ')
    // 10 bare + 10 in a phrase + 6 excluded + 6 author words = 32, plus three filters
    const at32 = `${words(10)} "${words(10, 10)}" -"${words(6, 20)}" author:"${words(6, 26)}" format:epub lang:en size>1MiB`
    assert.doesNotThrow(() => parseQuery(at32))
    assert.throws(() => parseQuery(`${at32} -w99`), /more than 32/)
    assert.throws(() => parseQuery(`${at32} author:w99`), /more than 32/)
  })

  it('splits a file name into words at anything but letters and digits, extension included (spec 5.3)', () => {
    assert.deepEqual(tokenize('Moby_Dick-1851.epub'), ['moby', 'dick', '1851', 'epub'])
    assert.deepEqual(tokenize('Œuvres_complètes (tome Ⅱ).PDF'), ['œuvres', 'completes', 'tome', 'ii', 'pdf'])
  })
})
