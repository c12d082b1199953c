// The config file in the data folder (`arkshare.conf`): one `name = value` a line, named as the
// command line's options are (`max-upload = 2MiB/s`), `#` starting a comment line. The CLI reads
// it at start; the peer saves the limits changed at runtime into it, line by line, keeping every
// other line (comments too) as it was.
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from './atomic-file.js'
import type { Limits } from './limits.js'

export interface Setting {
  /** 1-based, for messages. */
  line: number
  name: string
  value: string
}

/** A line that is not `name = value`: the message names the line. */
export class SettingsError extends Error {
  override name = 'SettingsError'
}

/** Written for a rate with no limit (the CLI's rate options read it too). */
export const UNLIMITED = 'unlimited'

/** Each limit's name in the file (the command line's option). */
export const LIMIT_SETTINGS: Record<keyof Limits, string> = {
  maxUploadBytesPerSecond: 'max-upload',
  maxUploadBytesPerSecondPerPeer: 'max-upload-per-peer',
  maxDownloadBytesPerSecond: 'max-download',
  uploadSlots: 'upload-slots',
  maxActiveDownloads: 'max-active-downloads'
}

const LINE = /^([a-z0-9][a-z0-9-]*)\s*=\s*(.*)$/

/** Whether a line holds no setting: blank, or a comment. */
const isBlank = (line: string): boolean => line.trim() === '' || line.trim().startsWith('#')

/** The settings of a config file's text, in order; throws SettingsError naming the first bad line. */
export function parseSettings (text: string): Setting[] {
  const settings: Setting[] = []
  text.split('\n').forEach((raw, i) => {
    if (isBlank(raw)) return
    const match = LINE.exec(raw.trim())
    if (match == null) throw new SettingsError(`line ${i + 1}: expected "name = value", as in "max-upload = 2MiB/s"`)
    if (match[2].trim() === '') throw new SettingsError(`line ${i + 1}: "${match[1]}" has no value`)
    settings.push({ line: i + 1, name: match[1], value: match[2].trim() })
  })
  return settings
}

/** A rate as people write it: whole KiB, MiB or GiB a second where it is one, else bytes; null is UNLIMITED. */
export function formatRate (bytesPerSecond: number | null): string {
  if (bytesPerSecond == null) return UNLIMITED
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytesPerSecond % size === 0) return `${bytesPerSecond / size}${unit}/s`
  }
  return String(bytesPerSecond)
}

/** The text with each named setting set: its first line replaced, any later ones dropped, a new one appended. */
export function editSettings (text: string, changes: Record<string, string>): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n')
  const done = new Set<string>()
  const out: string[] = []
  for (const line of lines) {
    const name = isBlank(line) ? undefined : LINE.exec(line.trim())?.[1]
    if (name == null || !(name in changes)) { out.push(line); continue }
    if (!done.has(name)) out.push(`${name} = ${changes[name]}`)
    done.add(name)
  }
  for (const [name, value] of Object.entries(changes)) if (!done.has(name)) out.push(`${name} = ${value}`)
  return `${out.join('\n')}\n`
}

/** The limits' lines of the config file, saved as they change; one save at a time, in order. */
export class SettingsFile {
  private saving: Promise<void> = Promise.resolve()

  constructor (readonly path: string) {}

  async saveLimits (limits: Partial<Limits>): Promise<void> {
    const changes: Record<string, string> = {}
    for (const [field, value] of Object.entries(limits) as Array<[keyof Limits, number | null]>) {
      changes[LIMIT_SETTINGS[field]] = field === 'uploadSlots' || field === 'maxActiveDownloads' ? String(value) : formatRate(value)
    }
    const save = this.saving.then(async () => {
      const text = await readFile(this.path, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '# arkshare settings: one "name = value" a line, as the command line\'s options; a flag given on the command line wins\n'
        throw err
      })
      await writeFileAtomic(this.path, editSettings(text, changes))
    })
    this.saving = save.catch(() => {})
    await save
  }
}
