// Why a download, or one provider's part in it, stopped.

/** The download as a whole failed: what callers of `get()` see. */
export class DownloadError extends Error {
  override name = 'DownloadError'
}

/** A provider sent data that fails verification: it is dropped, and later downloads skip it for a while. */
export class BadDataError extends Error {
  override name = 'BadDataError'
}

/** Writing to our own disk failed (full, read-only): fails the download, and is no provider's fault. */
export class DiskWriteError extends Error {
  override name = 'DiskWriteError'
}

/** The download completed or stopped: workers still running end quietly, blaming no provider. */
export class FinishedError extends Error {
  override name = 'FinishedError'
}

/** A provider could not be dialled, or no fetch stream could be opened to it. */
export class UnreachableError extends Error {
  override name = 'UnreachableError'
}
