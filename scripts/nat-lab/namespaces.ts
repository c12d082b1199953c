// Network namespaces for the NAT lab: made with `ip`, named after the test process that made them
// (`arklab-<pid>-<name>`), so a later run can tell the leftovers of a crashed run (its pid is gone)
// from those of a run still going, and remove them.
import { execFile, execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const PREFIX = 'arklab-'

/** What a namespace's own /etc files live under (`ip netns exec` mounts them over /etc). */
export const NETNS_ETC = '/etc/netns'

export function namespaceName (name: string, pid = process.pid): string {
  return `${PREFIX}${pid}-${name}`
}

function ownerPid (namespace: string): number | undefined {
  const match = /^arklab-(\d+)-/.exec(namespace)
  return match == null ? undefined : Number(match[1])
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Runs a command, failing with its stderr (not just "Command failed"). */
async function sh (command: string, args: string[], input?: string): Promise<string> {
  const child = run(command, args, { maxBuffer: 16 * 1024 * 1024 })
  if (input != null) child.child.stdin?.end(input)
  try {
    return (await child).stdout
  } catch (err) {
    const e = err as { stderr?: string, message: string }
    throw new Error(`${command} ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`)
  }
}

/** Many `ip` commands in one process, in a namespace (or the host's): each line as it would follow `ip`. */
export async function ipBatch (lines: string[], namespace?: string): Promise<void> {
  await sh('ip', [...(namespace != null ? ['-n', namespace] : []), '-batch', '-'], `${lines.join('\n')}\n`)
}

export async function inNamespace (namespace: string, command: string, args: string[], input?: string): Promise<string> {
  return await sh('ip', ['netns', 'exec', namespace, command, ...args], input)
}

export async function listNamespaces (): Promise<string[]> {
  const out = await sh('ip', ['netns', 'list'])
  return out.split('\n').map(line => line.split(' ')[0]).filter(name => name !== '')
}

/** Kills whatever still runs in a namespace, then deletes it and its /etc files. */
function removeNamespaceSync (namespace: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(p => p !== '')
    for (const pid of pids) {
      try { process.kill(Number(pid), 'SIGKILL') } catch { /* already gone */ }
    }
  } catch { /* no such namespace */ }
  try { execFileSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' }) } catch { /* already gone */ }
  rmSync(`${NETNS_ETC}/${namespace}`, { recursive: true, force: true })
}

export function removeNamespacesSync (namespaces: string[]): void {
  for (const namespace of namespaces) removeNamespaceSync(namespace)
}

/** Removes the namespaces of lab runs whose process is gone (a crash, a SIGKILL); returns them. */
export async function removeStaleNamespaces (): Promise<string[]> {
  const stale = (await listNamespaces()).filter(name => {
    const pid = ownerPid(name)
    return pid != null && pid !== process.pid && !alive(pid)
  })
  removeNamespacesSync(stale)
  return stale
}

/** Why the lab cannot run here, or undefined when it can (root, `ip netns add` allowed, the tools installed). */
export async function labUnavailable (): Promise<string | undefined> {
  const probe = namespaceName('probe')
  try {
    await sh('ip', ['netns', 'add', probe])
  } catch (err) {
    return `network namespaces are not available here (ip netns add: ${(err as Error).message.split(': ').pop() ?? ''})`
  } finally {
    removeNamespaceSync(probe)
  }
  for (const tool of ['nft', 'conntrack', 'miniupnpd']) {
    try {
      await sh('sh', ['-c', `command -v ${tool}`])
    } catch {
      return `${tool} is not installed (apt-get install -y nftables conntrack miniupnpd miniupnpd-nftables)`
    }
  }
  return undefined
}
