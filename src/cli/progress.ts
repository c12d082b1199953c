// Download progress for people (a bar on stderr) and machines (JSON events, at most 4 per second).
import cliProgress from 'cli-progress'
import { formatDuration, formatSize, type Output } from './output.js'
import type { DownloadProgress } from '../peer/index.js'

export interface ProgressReporter {
  update: (progress: DownloadProgress) => void
  stop: () => void
}

const JSON_INTERVAL_MS = 250

/** A `progress` event, as `get --json` and a node's JSON output print it. */
export function progressEvent (p: DownloadProgress): Record<string, unknown> {
  return {
    event: 'progress',
    id: p.id,
    fileName: p.fileName,
    bytes: p.bytesDone,
    total: p.totalBytes,
    percent: p.totalBytes === 0 ? 100 : Math.floor((p.bytesDone / p.totalBytes) * 1000) / 10,
    bytesPerSecond: Math.round(p.bytesPerSecond),
    etaSeconds: p.bytesPerSecond > 0 ? Math.round((p.totalBytes - p.bytesDone) / p.bytesPerSecond) : null,
    providers: p.activeProviders,
    resumedBytes: p.resumedBytes,
    fetched: p.bytesFetched,
    queued: p.queued
  }
}

/** "queued #3 at …a1b2c3" for the best place we hold in any provider's upload queue. */
function queueText (p: DownloadProgress): string {
  if (p.queued.length === 0) return ''
  const best = [...p.queued].sort((a, b) => a.position - b.position)[0]
  return ` (queued #${best.position} at …${best.peerId.slice(-6)})`
}

export function createProgressReporter (output: Output, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (output.json) {
    let last = 0
    let pending: DownloadProgress | undefined
    return {
      update: (p) => {
        pending = p
        const now = Date.now()
        if (now - last >= JSON_INTERVAL_MS || p.bytesDone === p.totalBytes) {
          last = now
          pending = undefined
          output.emit(progressEvent(p))
        }
      },
      stop: () => {
        if (pending != null) output.emit(progressEvent(pending))
        pending = undefined
      }
    }
  }
  let bar: cliProgress.SingleBar | undefined
  let stopped = false
  const stop = (): void => {
    if (bar != null && !stopped) {
      stopped = true
      bar.stop()
    }
  }
  return {
    update: (p) => {
      if (stopped) return
      const payload = {
        done: formatSize(p.bytesDone),
        size: formatSize(p.totalBytes),
        rate: `${formatSize(Math.round(p.bytesPerSecond))}/s`,
        eta_text: formatDuration(p.bytesPerSecond > 0 ? (p.totalBytes - p.bytesDone) / p.bytesPerSecond : Number.NaN),
        providers: p.activeProviders,
        name: p.fileName,
        queue: queueText(p)
      }
      if (bar == null) {
        bar = new cliProgress.SingleBar({
          stream,
          format: '{name} [{bar}] {percentage}% {done}/{size} {rate} ETA {eta_text} from {providers} peer(s){queue}',
          hideCursor: false,
          clearOnComplete: false
        }, cliProgress.Presets.shades_classic)
        bar.start(Math.max(1, p.totalBytes), p.bytesDone, payload)
      }
      bar.update(p.bytesDone, payload)
      // end the bar's line as soon as the book is complete, before anything else is printed
      if (p.bytesDone >= p.totalBytes) stop()
    },
    stop
  }
}
