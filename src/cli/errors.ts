// One-line messages for errors people see; stacks only with --debug.

let debug = false

export function setDebug (value: boolean): void {
  debug = value
}

export function errorMessage (err: unknown): string {
  const e = (err as { error?: unknown } | undefined)?.error ?? err
  if (debug && e instanceof Error && e.stack != null) return e.stack
  if (e instanceof Error) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timed out (${e.message})`
    return e.message.split('\n')[0]
  }
  return String(e)
}
