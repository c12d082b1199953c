import assert from 'node:assert/strict'
import { parseQuery, tokenize, type ParsedQuery } from '../../../../src/index-node/query.js'
import { TextIndex, type IndexedListing } from '../../../../src/index-node/text-index/index.js'
import { mulberry32 } from '../../../../scripts/prng.js'

// Words that share prefixes, so a prefix expands to one word or to many, and rare and common ones.
const WORDS = ['moby', 'mobile', 'mob', 'mobster', 'dick', 'whale', 'white', 'sea', 'story', 'emma', 'austen', 'jane',
  'war', 'peace', 'warden', 'wardrobe', 'the', 'of', 'and', 'a', 'pride', 'prejudice', 'misérables', 'les', 'zz']
const FORMATS = ['epub', 'pdf', 'txt']
const LANGUAGES = ['en', 'en-GB', 'fr']

interface Doc extends IndexedListing { alive: boolean }

const pickFrom = <T>(xs: T[], random: () => number): T => xs[Math.floor(random() * xs.length)]

/** An index with one always-online provider, and a way to add listings that differ only by title. */
function onePeerIndex (): { index: TextIndex, add: (bookId: string, title: string) => void } {
  const index = new TextIndex()
  index.setPeer(1, Infinity, null)
  let id = 0
  const add = (bookId: string, title: string): void => {
    id++
    index.add({ id, peer: 1, bookId, title, author: 'x', fileName: 'x.epub', format: 'epub', size: 1, language: 'en' })
  }
  return { index, add }
}

/** The matching books, found the slow and obvious way. */
function expected (docs: Doc[], q: ParsedQuery, online: (peer: number) => boolean): Set<string> {
  const found = new Set<string>()
  const hasRun = (field: string[], run: string[]): boolean => field.some((_, i) => run.every((w, j) => field[i + j] === w))
  for (const d of docs) {
    if (!d.alive || !online(d.peer)) continue
    const fields = [tokenize(d.title), tokenize(d.author), tokenize(d.fileName)]
    const all = fields.flat()
    const terms = q.prefixLast ? q.terms.slice(0, -1) : q.terms
    if (!terms.every(t => all.includes(t))) continue
    if (q.prefixLast && !all.some(w => w.startsWith(q.terms[q.terms.length - 1]))) continue
    if (!q.phrases.every(p => fields.some(f => hasRun(f, p.split(' '))))) continue
    if (q.author != null && !q.author.every(a => fields[1].includes(a))) continue
    if (q.excluded.some(x => fields.some(f => hasRun(f, x.split(' '))))) continue
    if (q.format != null && d.format.toLowerCase() !== q.format) continue
    if (q.language != null && !(d.language.toLowerCase() === q.language || d.language.toLowerCase().startsWith(`${q.language}-`))) continue
    if (q.minSize != null && d.size < q.minSize) continue
    if (q.maxSize != null && d.size > q.maxSize) continue
    found.add(d.bookId)
  }
  return found
}

describe('text index', () => {
  it('finds exactly what a brute-force scan finds, through adds, updates and removals', () => {
    const random = mulberry32(42)
    const pick = <T>(xs: T[]): T => pickFrom(xs, random)
    const words = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ')
    const index = new TextIndex()
    const now = 1_000_000
    // peers 1-6: live, lapsed (2), disconnected within and past the grace period (3, 4)
    const lease = [0, now + 1000, now - 1, now + 1000, now + 1000, now + 1000, now + 1000]
    const disconnected = [null, null, null, now - 10, now - 5000, null, null]
    for (let p = 1; p <= 6; p++) index.setPeer(p, lease[p], disconnected[p])
    const online = (p: number): boolean => lease[p] > now && !(disconnected[p] != null && (disconnected[p] as number) <= now - 1000)
    const docs: Doc[] = []
    for (let id = 1; id <= 600; id++) {
      const title = words(1 + Math.floor(random() * 4))
      const author = words(1 + Math.floor(random() * 2))
      const doc: Doc = {
        id,
        peer: 1 + Math.floor(random() * 6),
        bookId: `book-${Math.floor(random() * 300)}`,
        title,
        author,
        fileName: random() < 0.7 ? `${author} - ${title}.epub` : `${words(2)}.txt`,
        format: pick(FORMATS),
        size: Math.floor(random() * 3000),
        language: pick(LANGUAGES),
        alive: true
      }
      docs.push(doc)
      index.add(doc)
    }
    // updates (same listing, new words) and removals leave dead slots behind
    for (let i = 0; i < 150; i++) {
      const d = pick(docs)
      if (random() < 0.5) {
        d.title = words(3)
        d.alive = true
        index.add(d)
      } else {
        d.alive = false
        index.remove(d.id)
      }
    }
    const queries = ['moby', 'mob', 'mobi', 'war', 'ward', 'the war', 'dick mob', 'the of and a', '"white whale"', '"sea story" mob',
      'moby -dick', 'whale -"white whale"', 'the -of -a', 'emma author:austen', 'author:jane', 'format:pdf -the', 'sea format:txt lang:en',
      'war size>1000', 'war size<=500 lang:fr', 'mis', 'zz', 'zzz', 'nothing', 'les mis', '"of the"', 'pride prejudice war',
      ...Array.from({ length: 200 }, () => `${words(1 + Math.floor(random() * 2))} ${pick(WORDS).slice(0, 3 + Math.floor(random() * 3))}`)]
    for (const text of queries) {
      const q = parseQuery(text)
      const want = expected(docs, q, online)
      const got = index.search(q, { now, graceStart: now - 1000 }, 0, 1000)
      assert.equal(got.total, want.size, text)
      assert.deepEqual(new Set(got.bookIds), want, text)
    }
    // browsing one provider or one book (no words): only its live listings, whatever came and went
    const noWords: ParsedQuery = { terms: [], phrases: [], excluded: [], prefixLast: false }
    for (let peer = 1; peer <= 6; peer++) {
      const want = new Set(docs.filter(d => d.alive && d.peer === peer && online(peer)).map(d => d.bookId))
      const got = index.search(noWords, { now, graceStart: now - 1000, peer }, 0, 1000)
      assert.equal(got.total, want.size, `peer ${peer}`)
      assert.deepEqual(new Set(got.bookIds), want, `peer ${peer}`)
      assert.deepEqual(new Set(index.search(parseQuery('format:epub -the'), { now, graceStart: now - 1000, peer }, 0, 1000).bookIds), expected(docs.filter(d => d.peer === peer), parseQuery('format:epub -the'), online), `peer ${peer} format:epub -the`)
    }
    for (let b = 0; b < 300; b += 7) {
      const bookId = `book-${b}`
      const want = docs.some(d => d.alive && d.bookId === bookId && online(d.peer)) ? [bookId] : []
      assert.deepEqual(index.search(noWords, { now, graceStart: now - 1000, bookId }, 0, 10).bookIds, want, bookId)
    }
  })

  it('ranks by bm25 with title words above author and file-name words, and pages without overlap', () => {
    const index = new TextIndex()
    index.setPeer(1, Infinity, null)
    const add = (id: number, title: string, author: string, fileName = 'x.epub'): void => {
      index.add({ id, peer: 1, bookId: `b${id}`, title, author, fileName, format: 'epub', size: 1, language: 'en' })
    }
    add(1, 'Something Else', 'Whale Author', 'whale.epub')
    add(2, 'Whale', 'Nobody')
    add(3, 'Other', 'Someone', 'whale.epub')
    add(4, 'A Whale Tale', 'Nobody')
    const q = parseQuery('"whale"')
    assert.deepEqual(index.search(q, { now: 0, graceStart: 0 }, 0, 10).bookIds, ['b2', 'b4', 'b1', 'b3'])
    assert.deepEqual(index.search(q, { now: 0, graceStart: 0 }, 1, 2).bookIds, ['b4', 'b1'])
    assert.deepEqual(index.search(q, { now: 0, graceStart: 0 }, 4, 2).bookIds, [])
  })

  it('passes over blocks of a common word only when they cannot reach the page, and says when its total is estimated', () => {
    const random = mulberry32(7)
    // skewed: the first words are in most listings, so their posting lists run to thousands
    const pickWord = (): string => WORDS[Math.floor(WORDS.length * random() ** 3)]
    const words = (n: number): string => Array.from({ length: n }, pickWord).join(' ')
    const index = new TextIndex()
    const now = 1_000_000
    for (let p = 1; p <= 10; p++) index.setPeer(p, p === 9 ? now - 1 : now + 1000, p === 10 ? now - 5000 : null)
    const docs: Doc[] = []
    for (let id = 1; id <= 12_000; id++) {
      const title = words(1 + Math.floor(random() * 8))
      const author = words(1 + Math.floor(random() * 3))
      // books offered by several providers, with different words: a book scores as its best listing
      const doc: Doc = { id, peer: 1 + Math.floor(random() * 10), bookId: `book-${Math.floor(random() * 8000)}`, title, author, fileName: `${author} - ${title}.epub`, format: pickFrom(FORMATS, random), size: Math.floor(random() * 3000), language: 'en', alive: true }
      docs.push(doc)
      index.add(doc)
    }
    for (let i = 0; i < 500; i++) index.remove(1 + Math.floor(random() * 12_000))
    const queries = ['moby', 'mob', 'mobile', 'dick', 'moby dick', 'the', 'moby -dick', 'author:moby', 'moby format:pdf', 'moby size<1000', '"moby dick"', 'dick mob', 'mobile moby']
    let estimated = 0
    for (const text of queries) {
      const q = parseQuery(text)
      // offset + limit past MAX_PRUNED_PAGE: every posting is read, the reference ranking
      const full = index.search(q, { now, graceStart: now - 1000 }, 0, 20_000)
      assert.equal(full.totalIsEstimate, false)
      for (const [offset, limit] of [[0, 20], [0, 1], [20, 20], [500, 100]]) {
        const page = index.search(q, { now, graceStart: now - 1000 }, offset, limit)
        assert.deepEqual(page.bookIds, full.bookIds.slice(offset, offset + limit), `${text} @${offset}`)
        if (page.totalIsEstimate) {
          estimated++
          assert.ok(page.total > full.total * 0.8 && page.total < full.total * 1.25, `${text}: estimated ${page.total}, exactly ${full.total}`)
        } else {
          assert.equal(page.total, full.total, text)
        }
      }
    }
    assert.ok(estimated >= 10, `blocks were passed over in ${estimated} searches`)
  })

  it('reads a late block that holds a book tying with the page (seen earlier) or outscoring it (through another word)', () => {
    const { index, add } = onePeerIndex()
    const at = { now: 0, graceStart: 0 }
    // books c0-c9 are first seen without the word; their listings with it come after 2,000 others
    for (let i = 0; i < 10; i++) add(`c${i}`, 'other')
    for (let i = 0; i < 2000; i++) add(`d${i}`, 'same')
    for (let i = 0; i < 10; i++) add(`c${i}`, 'same')
    const tied = index.search(parseQuery('same'), at, 0, 5)
    assert.deepEqual(tied.bookIds, ['c0', 'c1', 'c2', 'c3', 'c4'], 'equal scores: the books seen first')
    assert.equal(tied.totalIsEstimate, true)

    // "late" is rarer than "word", so it is walked; its last listings (as long as the others) hold "word" four times
    for (let i = 0; i < 3000; i++) add(`w${i}`, 'word filler')
    for (let i = 0; i < 2000; i++) add(`e${i}`, 'late word filler filler filler')
    for (let i = 0; i < 3; i++) add(`f${i}`, 'late word word word word')
    assert.deepEqual(index.search(parseQuery('late word'), at, 0, 3).bookIds, ['f0', 'f1', 'f2'])
  })

  it('scores a prefix the same whether candidates are checked by their words or by marked listings', () => {
    const { index, add } = onePeerIndex()
    const at = { now: 0, graceStart: 0 }
    add('first', 'alpha beta gamma') // the first listing: alpha without any mob- word
    for (let i = 0; i < 10; i++) add(`one${i}`, 'alpha mobile zzz')
    for (let i = 0; i < 10; i++) add(`two${i}`, 'alpha mobile moby') // two words of the prefix: both count
    const twoFirst = [...Array.from({ length: 10 }, (_, i) => `two${i}`), ...Array.from({ length: 10 }, (_, i) => `one${i}`)]
    // "mob" has 30 postings to alpha's 21: its listings are marked before the walk
    assert.deepEqual(index.search(parseQuery('alpha mob'), at, 0, 50).bookIds, twoFirst)
    // with 200 more, each candidate's words are read instead: the same page
    for (let i = 0; i < 200; i++) add(`other${i}`, 'mobster')
    assert.deepEqual(index.search(parseQuery('alpha mob'), at, 0, 50).bookIds, twoFirst)
  })

  it('walks a prefix of many words to the page and estimate a full walk gives, a late word outscoring the first', () => {
    const { index, add } = onePeerIndex()
    const at = { now: 0, graceStart: 0 }
    // "pre" itself twice in short titles (the page), then 2,000 plain listings of it, then 100 longer
    // words it begins, each in a few long titles: their lists cannot reach the page
    for (let i = 0; i < 30; i++) add(`top${i}`, 'pre pre')
    for (let i = 0; i < 2000; i++) add(`plain${i}`, 'pre filler')
    for (let w = 0; w < 100; w++) for (let i = 0; i < 3; i++) add(`long${w}-${i}`, `pre${w}x filler filler filler filler`)
    // and the last word it begins, once, three times in a title: it outscores the page, and is read
    add('late', 'prezz prezz prezz')
    const full = index.search(parseQuery('pre'), at, 0, 20_000)
    assert.equal(full.totalIsEstimate, false)
    assert.equal(full.total, 2331)
    const page = index.search(parseQuery('pre'), at, 0, 20)
    assert.deepEqual(page.bookIds, full.bookIds.slice(0, 20))
    assert.deepEqual(page.bookIds, ['late', ...Array.from({ length: 19 }, (_, i) => `top${i}`)])
    // the words passed over count as estimated, at the rate of the postings read (all matched here)
    assert.equal(page.totalIsEstimate, true)
    assert.equal(page.total, full.total)
  })
})
