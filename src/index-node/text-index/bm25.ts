// bm25 as FTS5 computes it, with column weights: a title word counts 10, an author word 5, a file
// name word 1. Scores here are positive, higher is better.

export const WEIGHTS = [10, 5, 1]
const K1 = 1.2
const B = 0.75

/** A word's idf among `docs` listings, `count` of which hold it (kept positive: a very common word still counts). */
export function idf (docs: number, count: number): number {
  const idf = Math.log((docs - count + 0.5) / (count + 0.5))
  return idf > 0 ? idf : 1e-6
}

/** bm25's length normalisation of a listing of `length` words. */
export function lengthNorm (length: number, averageLength: number): number {
  return K1 * (1 - B + B * length / averageLength)
}

/**
 * One clause's bm25 share for a weighted frequency: the walk's scores and the block bounds both come
 * from here, so a listing at a block's bound scores exactly the bound.
 */
export function termScore (idf: number, tf: number, norm: number): number {
  return idf * (tf * (K1 + 1)) / (tf + norm)
}

/** What termScore tends to as the frequency grows: the most any frequency can score. */
export function termScoreLimit (idf: number): number {
  return idf * (K1 + 1)
}
