// The index node's errors. Where @libp2p/interface has a class that means the same, ours extends it,
// so a caller may catch either.
import { InvalidParametersError, NotFoundError } from '@libp2p/interface'

/** A query without words that matches more books than can be ordered by title (thrown by the text index). */
export { TooBroadError } from './text-index/types.js'

/** A search the query language cannot read: an invalid parameter of a search. */
export class QueryError extends InvalidParametersError {
  override name = 'QueryError'
}

/** A change that would take a peer past its book cap; the catalog changed nothing. */
export class CatalogLimitError extends Error {
  override name = 'CatalogLimitError'
}

/** The peer has no live lease (unknown, or lapsed): there is nothing to list its books under. */
export class NoLeaseError extends NotFoundError {
  override name = 'NoLeaseError'
}
