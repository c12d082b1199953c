// The peer service's errors. The download engine's own are in download/errors.ts (DownloadError is
// what `get` callers see); a shared file found changed on disk is content's FileChangedError.

/** No index is configured, or none of them answered. */
export class NoIndexError extends Error {
  override name = 'NoIndexError'
}

export { DownloadError } from './download/errors.js'
