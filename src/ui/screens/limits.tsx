// Limits: the upload and download rates, upload slots and active downloads, changed while the node
// runs (and saved in its config file). The node checks the values: its message shows as it is.
import { useEffect, useState } from 'preact/hooks'
import { api, messageOf } from '../api.js'
import { parseRate, rate, rateText } from '../format.js'
import { useLive } from '../live.js'
import { DoneLine, ErrorLine } from '../parts/notice.js'
import type { Limits } from '../api-types.js'

const RATES = [
  ['maxUploadBytesPerSecond', 'Upload rate, all peers'],
  ['maxUploadBytesPerSecondPerPeer', 'Upload rate, each peer'],
  ['maxDownloadBytesPerSecond', 'Download rate']
] as const
const COUNTS = [['uploadSlots', 'Upload slots'], ['maxActiveDownloads', 'Downloads at once']] as const

type Form = Record<keyof Limits, string>

function formOf (limits: Limits): Form {
  return {
    maxUploadBytesPerSecond: rateText(limits.maxUploadBytesPerSecond),
    maxUploadBytesPerSecondPerPeer: rateText(limits.maxUploadBytesPerSecondPerPeer),
    maxDownloadBytesPerSecond: rateText(limits.maxDownloadBytesPerSecond),
    uploadSlots: String(limits.uploadSlots),
    maxActiveDownloads: String(limits.maxActiveDownloads)
  }
}

export function LimitsScreen () {
  const { limits } = useLive()
  const [form, setForm] = useState<Form | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  useEffect(() => { if (limits != null && form == null) setForm(formOf(limits)) }, [limits])

  const save = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (form == null || limits == null) return
    const changes: Partial<Record<keyof Limits, number | null>> = {}
    for (const [field, label] of RATES) {
      const value = parseRate(form[field])
      if (value === undefined) {
        setError(`${label}: not a rate (e.g. 2MiB/s, 500KiB/s, or empty for no limit)`)
        return
      }
      if (value !== limits[field]) changes[field] = value
    }
    for (const [field] of COUNTS) {
      const value = Number(form[field].trim())
      if (value !== limits[field]) changes[field] = form[field].trim() === '' ? NaN : value
    }
    try {
      const saved = await api.patch<Limits>('/limits', changes)
      setForm(formOf(saved))
      setError(null)
      setDone('Saved: the node uses these limits now.')
    } catch (err) {
      setDone(null)
      setError(messageOf(err))
    }
  }
  const field = (name: keyof Limits, label: string, hint: string) => (
    <label key={name}>
      <span>{label}</span>
      <input
        name={name} value={form?.[name] ?? ''} inputMode={hint === '' ? 'numeric' : 'text'} placeholder={hint !== '' ? 'unlimited' : ''}
        onInput={(e) => { if (form != null) setForm({ ...form, [name]: e.currentTarget.value }) }}
      />
      {hint !== '' ? <small>{hint}</small> : null}
    </label>
  )
  return (
    <section aria-labelledby='limits-title'>
      <h1 id='limits-title'>Limits</h1>
      {limits == null || form == null
        ? <p class='muted'>Loading…</p>
        : (
          <form class='limits' onSubmit={(e) => { void save(e) }}>
            {RATES.map(([name, label]) => field(name, label, `now ${rate(limits[name])}; e.g. 2MiB/s, empty: no limit`))}
            {COUNTS.map(([name, label]) => field(name, label, ''))}
            <div><button type='submit' class='primary'>Save</button></div>
          </form>
          )}
      <ErrorLine error={error} />
      <DoneLine text={done} />
    </section>
  )
}
