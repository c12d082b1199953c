// Downloading one book with progress, as `arkshare get` and the shell's `get` both do: a bar (or
// JSON progress events) while it arrives, then one `done` event.
import { resolve } from 'node:path'
import { formatSize, type Output } from './output.js'
import { createProgressReporter } from './progress.js'
import type { Arkshare, DownloadResult } from '../peer/index.js'

export interface DownloadFlowOptions {
  /** Folder to save into, from the working directory; omitted = the node's downloads folder. */
  outDir?: string
  /** The `done` line for people (default: the path and size). */
  savedText?: (result: DownloadResult) => string
}

/** The `done` event: the book, and each provider it came from with what it sent and how it was reached. */
function doneEvent (result: DownloadResult): Record<string, unknown> {
  return { event: 'done', id: result.id, path: result.path, bytes: result.bytes, resumedBytes: result.resumedBytes, bytesFetched: result.bytesFetched, providers: result.providers }
}

const savedText = (result: DownloadResult): string => `Saved ${result.path} (${formatSize(result.bytes)}).`

/** Downloads one book (the service rejects an ID that is not one), reporting progress, then `done`. */
export async function downloadWithProgress (arkshare: Arkshare, output: Output, id: string, options: DownloadFlowOptions = {}): Promise<DownloadResult> {
  const reporter = createProgressReporter(output)
  try {
    const result = await arkshare.get(id, { outDir: options.outDir != null ? resolve(options.outDir) : undefined, onProgress: reporter.update })
    // the bar ends its line before the done line is printed
    reporter.stop()
    output.emit(doneEvent(result), () => (options.savedText ?? savedText)(result))
    return result
  } finally {
    reporter.stop()
  }
}
