// Shared test fixtures: temp folders, real libp2p index and peer nodes on loopback, book files.
import { mkdtemp, mkdir, open, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createArkshareNode, createIndexNode, type ArkshareNode, type ArkshareNodeOptions, type IndexNode, type IndexNodeOptions } from '../src/node/create-node.js'
import type { PathOptions } from '../src/peer/download/paths.js'

export const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

export async function tempDir (prefix = 'arkshare-test-'): Promise<string> {
  return await mkdtemp(join(tmpdir(), prefix))
}

export async function removeDir (dir: string | undefined): Promise<void> {
  if (dir != null) await rm(dir, { recursive: true, force: true })
}

export interface Stoppable { stop: () => void | Promise<void> }

/**
 * For the tests of the calling describe(): a fresh temporary folder per test, and the nodes a test
 * puts in `stops`, stopped after it (before the folder goes).
 */
export function folderAndNodesPerTest (): { readonly dir: string, stops: Stoppable[] } {
  const scope = { dir: '', stops: [] as Stoppable[] }
  beforeEach(async () => { scope.dir = await tempDir() })
  afterEach(async () => {
    await Promise.all(scope.stops.splice(0).map(async n => { await n.stop() }))
    await removeDir(scope.dir)
  })
  return scope
}

/**
 * Overwrites a file in place with bytes of the same size and dates it 5 s back (settled, for a
 * shelf): only the modification time tells the change apart.
 */
export async function rewriteInPlace (path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.write(bytes, 0, bytes.length, 0)
  } finally {
    await handle.close()
  }
  await utimes(path, new Date(), new Date(Date.now() - 5_000))
}

/** Deterministic pseudo-random bytes, so two peers can share byte-identical books. */
export function bookBytes (seed: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size)
  let x = seed * 2654435761 >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

export async function writeBook (dir: string, name: string, bytes: Uint8Array | string): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, name)
  await writeFile(path, bytes)
  return path
}

export async function startIndex (options: IndexNodeOptions = {}): Promise<IndexNode> {
  return await createIndexNode({ listen: [LOOPBACK], minTtlSeconds: 1, ...options })
}

export function indexAddr (index: IndexNode): string {
  return index.getMultiaddrs()[0].toString()
}

export async function startPeer (index: IndexNode | string, options: ArkshareNodeOptions = {}): Promise<ArkshareNode> {
  return await createArkshareNode({ listen: [LOOPBACK], indexes: [typeof index === 'string' ? index : indexAddr(index)], ...options })
}

/** Polls `check` until it returns a value other than undefined/false, within `timeoutMs`. */
export async function eventually<T> (check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (err) {
      lastError = err
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}${lastError != null ? `: ${(lastError as Error).message}` : ''}`)
}

/** Waits until the index lists `count` providers of the book `id`. */
export async function waitForProviders (index: IndexNode, id: string, count: number, timeoutMs = 15_000): Promise<void> {
  await eventually(() => {
    const page = index.services.index.catalog.search(undefined, { bookId: id, limit: 1 })
    return (page.hits[0]?.providers.length ?? 0) >= count
  }, timeoutMs, `${count} provider(s) of ${id}`)
}

export interface SwarmFixture {
  /** A fresh temp folder per test. */
  dir: string
  /** A fresh index per test (tests may replace it, e.g. to restart it). */
  index: IndexNode
  /** Stopped after each test. */
  nodes: Array<{ stop: () => void | Promise<void> }>
  /** A peer with its own data and downloads folders under `dir/<name>`. */
  peer: (name: string, options?: ArkshareNodeOptions) => Promise<ArkshareNode>
}

/** Mocha hooks for tests that need an index and peers: set up before each test, torn down after. */
export function useSwarm (indexOptions: IndexNodeOptions | ((dir: string) => IndexNodeOptions) = {}): SwarmFixture {
  const fixture = { nodes: [] } as unknown as SwarmFixture
  beforeEach(async () => {
    fixture.dir = await tempDir()
    fixture.index = await startIndex(typeof indexOptions === 'function' ? indexOptions(fixture.dir) : indexOptions)
    fixture.nodes = []
  })
  afterEach(async () => {
    await Promise.all(fixture.nodes.map(async n => { await n.stop() }))
    await fixture.index.stop()
    await removeDir(fixture.dir)
  })
  fixture.peer = async (name, options = {}) => {
    const node = await startPeer(fixture.index, { dataDir: join(fixture.dir, name, 'data'), downloads: join(fixture.dir, name, 'dl'), ...options })
    fixture.nodes.push(node)
    return node
  }
  return fixture
}

/** Skips the running test and says why on one line (mocha by itself only lists it as pending). */
export function skipBecause (test: Mocha.Context, reason: string): never {
  process.stdout.write(`      skipped: ${reason}\n`)
  test.skip()
}

/** What a peer's reachability part tells a download it runs (for tests that make a Download themselves). */
export function pathsOf (node: ArkshareNode): PathOptions {
  return { kindOf: (connection) => node.services.arkshare.connectionKind(connection), reachability: () => node.services.arkshare.reachability().reachability }
}
