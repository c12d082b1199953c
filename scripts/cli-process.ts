// Starts arkshare CLI processes and waits for their JSON "listening" event; shared by the swarm
// launcher and the end-to-end tests, so both drive the CLI exactly as a user would.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** dist/src/cli/main.js, found from dist/scripts/ or (under tsx) from scripts/. */
export function cliPath (): string {
  const here = fileURLToPath(import.meta.url)
  return here.includes('/dist/')
    ? fileURLToPath(new URL('../src/cli/main.js', import.meta.url))
    : fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url))
}

export interface CliProcess {
  child: ChildProcess
  /** Every JSON object the process printed so far, in order. */
  events: Array<Record<string, any>>
  /** performance.now() when each event arrived (for timing phases from outside). */
  times: number[]
  /** Resolves with the first event matching `predicate` (including earlier ones). */
  waitFor: (predicate: (event: Record<string, any>) => boolean, timeoutMs?: number) => Promise<Record<string, any>>
  /** Writes one shell command line to stdin. */
  send: (line: string) => void
  stderr: () => string
  exited: Promise<number | null>
}

export interface StartCliOptions {
  stdin?: 'pipe' | 'ignore'
  stderr?: StdioOptions
  env?: NodeJS.ProcessEnv
  uid?: number
  gid?: number
  /** A command the CLI runs under, e.g. `['ip', 'netns', 'exec', NAME]` (it execs the CLI in place). */
  wrap?: string[]
  /** Node's own flags for the CLI's process, e.g. `['--cpu-prof']` (the benchmarks' --index-node-args). */
  nodeArgs?: string[]
}

/** Node flags given as one string (a benchmark's --index-node-args), split where there are spaces. */
export function nodeArgs (flags: string | undefined): string[] {
  return (flags ?? '').split(' ').filter(f => f !== '')
}

export function startCli (args: string[], options: StartCliOptions = {}): CliProcess {
  const command = [...(options.wrap ?? []), process.execPath, ...(options.nodeArgs ?? []), cliPath(), ...args]
  const child = spawn(command[0], command.slice(1), {
    stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    // run as another user (tests started as root, where file permissions would not apply)
    uid: options.uid,
    gid: options.gid
  })
  const events: Array<Record<string, any>> = []
  const times: number[] = []
  const waiters: Array<{ predicate: (e: Record<string, any>) => boolean, resolve: (e: Record<string, any>) => void }> = []
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-20_000) })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let event: Record<string, any>
    try { event = JSON.parse(line) } catch { return }
    events.push(event)
    times.push(performance.now())
    for (const w of [...waiters]) {
      if (w.predicate(event)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(event) }
    }
  })
  const exited = new Promise<number | null>(resolve => child.once('exit', (code) => { resolve(code) }))
  return {
    child,
    events,
    times,
    stderr: () => stderr,
    exited,
    send: (line) => { child.stdin?.write(`${line}\n`) },
    waitFor: async (predicate, timeoutMs = 30_000) => {
      const found = events.find(predicate)
      if (found != null) return found
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`timed out waiting for an event from arkshare ${args[0]}; stderr: ${stderr.slice(-2000)}`)) }, timeoutMs)
        const waiter = { predicate, resolve: (e: Record<string, any>) => { clearTimeout(timer); resolve(e) } }
        waiters.push(waiter)
        void exited.then((code) => {
          if (waiters.includes(waiter)) {
            clearTimeout(timer)
            reject(new Error(`arkshare ${args[0]} exited (${code}) before the event; stderr: ${stderr.slice(-2000)}`))
          }
        })
      })
    }
  }
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopCli (proc: CliProcess, graceMs = 5_000): Promise<void> {
  if (proc.child.exitCode != null || proc.child.signalCode != null) return
  proc.child.kill('SIGTERM')
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs)
  await proc.exited
  clearTimeout(timer)
}
