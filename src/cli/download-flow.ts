// Downloading one book with progress, as `arkshare get` does: a bar (or JSON progress events)
// while it arrives, then one `done` event.
import { resolve } from 'node:path'
import { formatSize, type Output } from './output.js'
import { createProgressReporter } from './progress.js'
import type { Arkshare, DownloadResult } from '../peer/index.js'

export interface DownloadFlowOptions {
  /** Folder to save into, from the working directory; omitted = the node's downloads folder. */
  outDir?: string
}

/** The `done` event of a download, as `get` and a running node print it: the book, and each provider it came from with what it sent and how it was reached. */
export function doneEvent (result: DownloadResult): Record<string, unknown> {
  return { event: 'done', id: result.id, path: result.path, bytes: result.bytes, resumedBytes: result.resumedBytes, bytesFetched: result.bytesFetched, providers: result.providers }
}

/** Downloads one book (the service rejects an ID that is not one), reporting progress, then `done`. */
export async function downloadWithProgress (arkshare: Arkshare, output: Output, id: string, options: DownloadFlowOptions = {}): Promise<DownloadResult> {
  const reporter = createProgressReporter(output)
  try {
    const result = await arkshare.get(id, { outDir: options.outDir != null ? resolve(options.outDir) : undefined, onProgress: reporter.update })
    // the bar ends its line before the done line is printed
    reporter.stop()
    output.emit(doneEvent(result), () => `Saved ${result.path} (${formatSize(result.bytes)}).`)
    return result
  } finally {
    reporter.stop()
  }
}
