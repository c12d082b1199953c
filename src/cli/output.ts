// How the CLI talks: JSON lines for machines (--json), aligned text for people.

export function formatSize (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++ }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

export function formatDuration (seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`
}

/** Shortens long IDs for tables, keeping the end people compare by eye. */
export function shortId (id: string, keep = 12): string {
  return id.length <= keep + 1 ? id : `…${id.slice(-keep)}`
}

function truncate (text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`
}

export interface Column { header: string, align?: 'left' | 'right', max?: number }

/** An aligned text table; cells longer than a column's max are cut with an ellipsis. */
export function table (columns: Column[], rows: string[][]): string {
  const cells = rows.map(row => row.map((cell, i) => truncate(cell, columns[i].max ?? 60)))
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map(r => r[i].length)))
  const line = (row: string[]): string => row.map((cell, i) => columns[i].align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])).join('  ').trimEnd()
  return [line(columns.map(c => c.header)), ...cells.map(line)].join('\n')
}

export interface Output {
  json: boolean
  /** A result or event; printed as one JSON line, or with `human` as text. */
  emit: (object: Record<string, unknown>, human?: () => string) => void
  /** A human note (stderr in JSON mode, so stdout stays machine-readable). */
  info: (text: string) => void
  error: (text: string) => void
}

export function createOutput (json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    emit: (object, human) => {
      if (json) stdout.write(`${JSON.stringify(object)}\n`)
      else if (human != null) stdout.write(`${human()}\n`)
    },
    info: (text) => { (json ? stderr : stdout).write(`${text}\n`) },
    error: (text) => {
      if (json) stdout.write(`${JSON.stringify({ event: 'error', message: text })}\n`)
      stderr.write(`arkshare: ${text}\n`)
    }
  }
}
