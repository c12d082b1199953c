// Reads a profile allocation-profile.ts wrote: what was allocated in all, and the functions and
// call paths that allocated the most (their own allocations, not their callees').
//   node dist/bench/allocation-summary.js FILE [TOP]
import { readFileSync } from 'node:fs'

interface ProfileNode {
  callFrame: { functionName: string, url: string, lineNumber: number }
  selfSize: number
  children: ProfileNode[]
}

const [file, top = '25'] = process.argv.slice(2)
if (file == null) {
  process.stderr.write('usage: node dist/bench/allocation-summary.js FILE [TOP]\n')
  process.exit(2)
}
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode }
const byFunction = new Map<string, number>()
const byPath = new Map<string, number>()
let total = 0
const MB = 1e6

function walk (node: ProfileNode, path: string[]): void {
  const name = node.callFrame.functionName === '' ? '(anonymous)' : node.callFrame.functionName
  const here = [...path, name]
  if (node.selfSize > 0) {
    total += node.selfSize
    const where = `${name} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`
    byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize)
    const key = here.slice(-6).join(' < ')
    byPath.set(key, (byPath.get(key) ?? 0) + node.selfSize)
  }
  for (const child of node.children) walk(child, here)
}

walk(head, [])
const table = (rows: Map<string, number>): string => [...rows].sort((a, b) => b[1] - a[1]).slice(0, Number(top))
  .map(([what, bytes]) => `${(bytes / MB).toFixed(1).padStart(9)} MB  ${what}`).join('\n')
process.stdout.write(`allocated in all: ${(total / MB).toFixed(1)} MB\n\nby function:\n${table(byFunction)}\n\nby call path (innermost last):\n${table(byPath)}\n`)
