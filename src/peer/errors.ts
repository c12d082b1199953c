// The peer service's errors. The download engine's own are in download/errors.ts (DownloadError is
// what `get` callers see); a shared file found changed on disk is content's FileChangedError. An
// unknown download is libp2p's NotFoundError, input that names no book its InvalidParametersError.

/** No index is configured, or none of them answered. */
export class NoIndexError extends Error {
  override name = 'NoIndexError'
}

/** A download cannot do that in its state (pause a finished one, retry an active one). */
export class DownloadStateError extends Error {
  override name = 'DownloadStateError'
}

/** The download list in the data folder cannot be read: the node refuses to start rather than lose it. */
export class DownloadListError extends Error {
  override name = 'DownloadListError'
}

export { DownloadError } from './download/errors.js'
