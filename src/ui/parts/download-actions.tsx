// The buttons a download's state allows: pause and cancel while it waits or runs, resume a paused
// one, retry a failed or cancelled one. The answer updates the row at once; events follow.
import { useState } from 'preact/hooks'
import { api, messageOf, seg } from '../api.js'
import { useFeed } from '../live.js'
import type { Download } from '../api-types.js'

type Verb = 'pause' | 'resume' | 'retry' | 'cancel'

const ALLOWED: Record<Download['state'], Verb[]> = {
  queued: ['pause', 'cancel'],
  active: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  failed: ['retry', 'cancel'],
  cancelled: ['retry'],
  done: []
}

export function DownloadActions ({ download, onError }: { download: Download, onError: (message: string | null) => void }) {
  const feed = useFeed()
  const [busy, setBusy] = useState(false)
  const act = async (verb: Verb): Promise<void> => {
    setBusy(true)
    try {
      const path = `/downloads/${seg(download.id)}`
      feed.upsert(verb === 'cancel' ? await api.delete<Download>(path) : await api.post<Download>(`${path}/${verb}`))
      onError(null)
    } catch (err) {
      onError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }
  const label = download.title !== '' ? download.title : download.id
  return (
    <span class='actions'>
      {ALLOWED[download.state].map(verb => (
        <button key={verb} type='button' class={verb === 'cancel' ? 'danger' : ''} disabled={busy} aria-label={`${verb} ${label}`} onClick={() => { void act(verb) }}>
          {verb[0].toUpperCase() + verb.slice(1)}
        </button>
      ))}
    </span>
  )
}
