// What a running node says about its downloads, whoever started them (the shell, a restart's
// resume, later the web UI): `progress` events in JSON (at most 4 a second per download), and a
// line when each one is saved or fails.
import { doneEvent } from './download-flow.js'
import { formatSize, type Output } from './output.js'
import { progressEvent } from './progress.js'
import type { Arkshare } from '../peer/index.js'

const PROGRESS_INTERVAL_MS = 250

export function reportDownloads (arkshare: Arkshare, output: Output): void {
  const lastProgress = new Map<string, number>()
  if (output.json) {
    arkshare.addEventListener('download:progress', (evt) => {
      const p = evt.detail
      const now = Date.now()
      if (now - (lastProgress.get(p.id) ?? 0) < PROGRESS_INTERVAL_MS && p.bytesDone < p.totalBytes) return
      lastProgress.set(p.id, now)
      output.emit(progressEvent(p))
    })
  }
  arkshare.addEventListener('download:done', (evt) => {
    const r = evt.detail
    lastProgress.delete(r.id)
    output.emit(doneEvent(r), () => `Saved ${r.path} (${formatSize(r.bytes)}, from ${r.providersUsed.length} peer(s)); now sharing it.`)
  })
  arkshare.addEventListener('download:failed', (evt) => {
    const { id, error } = evt.detail
    lastProgress.delete(id)
    output.emit({ event: 'failed', id, error }, () => `Download of ${id} failed: ${error} (retry with: retry ${id})`)
  })
}
