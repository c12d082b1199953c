// The commander program without running any node: each command's action is replaced by a stub, so
// these check what a command line parses to, and that unset options take the services' defaults.
import assert from 'node:assert/strict'
import { join, resolve } from 'node:path'
import { CommanderError, type Command } from 'commander'
import { buildProgram } from '../../../src/cli/program.js'
import { indexNodeOptions, type IndexCommandOptions } from '../../../src/cli/commands/index-command.js'
import { peerNodeOptions, type NodeCommandOptions } from '../../../src/cli/commands/node.js'
import { INDEX_DEFAULTS } from '../../../src/index-node/index.js'
import { PEER_DEFAULTS } from '../../../src/peer/index.js'
import { folderAndNodesPerTest, writeBook } from '../../helpers.js'

interface Parsed { command: string, args: unknown[], opts: Record<string, any> }

/** Parses `arkshare <argv...>` with every action stubbed; commander's errors throw instead of exiting. */
async function parse (...argv: string[]): Promise<Parsed> {
  const program = buildProgram()
  let parsed: Parsed | undefined
  const quiet = { writeOut: () => {}, writeErr: () => {} }
  program.exitOverride().configureOutput(quiet)
  for (const command of program.commands) {
    command.exitOverride().configureOutput(quiet)
    command.action((...args: unknown[]) => {
      const cmd = args.pop() as Command
      const opts = args.pop() as Record<string, any>
      parsed = { command: cmd.name(), args, opts }
    })
  }
  await program.parseAsync(['node', 'arkshare', ...argv])
  assert.ok(parsed != null, 'no action ran')
  return parsed
}

async function parseError (...argv: string[]): Promise<CommanderError> {
  try {
    await parse(...argv)
  } catch (err) {
    assert.ok(err instanceof CommanderError, String(err))
    return err
  }
  assert.fail(`${argv.join(' ')} parsed`)
}

describe('cli program', () => {
  it('has the commands in the order of `arkshare --help`', () => {
    assert.deepEqual(buildProgram().commands.map(c => c.name()), ['index', 'node', 'search', 'browse', 'stats', 'get', 'link'])
  })

  it('index: unset options are the index service\'s defaults', async () => {
    const { opts } = await parse('index')
    assert.equal(opts.heapGrowth, INDEX_DEFAULTS.HEAP_GROWTH_PERCENT)
    assert.deepEqual(indexNodeOptions(opts as IndexCommandOptions), {
      listen: undefined, // create-node applies its own default address
      announce: undefined,
      relay: true,
      dataDir: resolve(INDEX_DEFAULTS.DEFAULT_DATA_DIR),
      defaultTtlSeconds: INDEX_DEFAULTS.DEFAULT_TTL_SECONDS,
      disconnectGraceMs: INDEX_DEFAULTS.DISCONNECT_GRACE_MS,
      dht: false,
      maxBooksPerPeer: INDEX_DEFAULTS.MAX_BOOKS_PER_PEER,
      connectionLimits: { maxConnections: INDEX_DEFAULTS.MAX_CONNECTIONS, maxConnectionsPerIp: INDEX_DEFAULTS.MAX_CONNECTIONS_PER_IP, inboundConnectionThreshold: INDEX_DEFAULTS.INBOUND_CONNECTIONS_PER_SECOND },
      accessRulesFile: undefined,
      searchesPerMinute: INDEX_DEFAULTS.SEARCHES_PER_MINUTE,
      registrationsPerMinute: INDEX_DEFAULTS.REGISTRATIONS_PER_MINUTE,
      maxOpenStreams: INDEX_DEFAULTS.MAX_OPEN_STREAMS,
      maxOpenStreamsPerAddress: INDEX_DEFAULTS.MAX_OPEN_STREAMS_PER_ADDRESS
    })
  })

  it('index: flags reach the node options (grace in seconds, paths from the working directory)', async () => {
    const { opts } = await parse('index', '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/1', '--grace', '2',
      '--ttl', '5', '--data', 'idx', '--deny', 'rules.txt', '--dht', '--max-connections-per-ip', '3', '--max-new-connections-per-ip', '7',
      '--announce', '/ip4/11.0.0.1/tcp/5001', '--no-relay')
    const node = indexNodeOptions(opts as IndexCommandOptions)
    assert.deepEqual(node.listen, ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/1'])
    assert.deepEqual(node.announce, ['/ip4/11.0.0.1/tcp/5001'])
    assert.equal(node.relay, false)
    assert.equal(node.disconnectGraceMs, 2_000)
    assert.equal(node.defaultTtlSeconds, 5)
    assert.equal(node.dataDir, resolve('idx'))
    assert.equal(node.accessRulesFile, resolve('rules.txt'))
    assert.equal(node.dht, true)
    assert.deepEqual(node.connectionLimits, { maxConnections: INDEX_DEFAULTS.MAX_CONNECTIONS, maxConnectionsPerIp: 3, inboundConnectionThreshold: 7 })
  })

  it('node: unset options are the peer service\'s defaults', async () => {
    const { opts } = await parse('node', '--index', '/ip4/127.0.0.1/tcp/1')
    assert.deepEqual(peerNodeOptions(opts as NodeCommandOptions), {
      listen: undefined,
      announce: undefined,
      upnp: PEER_DEFAULTS.UPNP,
      dataDir: resolve(PEER_DEFAULTS.DEFAULT_DATA_DIR),
      indexes: ['/ip4/127.0.0.1/tcp/1'],
      dht: false,
      bootstrap: undefined,
      share: [],
      downloads: resolve(PEER_DEFAULTS.DEFAULT_DOWNLOADS_DIR),
      ttlSeconds: undefined, // the service asks for the index's own lease
      maxUploadBytesPerSecond: undefined,
      maxUploadBytesPerSecondPerPeer: undefined,
      maxDownloadBytesPerSecond: undefined,
      uploadSlots: PEER_DEFAULTS.UPLOAD_SLOTS,
      maxActiveDownloads: PEER_DEFAULTS.MAX_ACTIVE_DOWNLOADS,
      maxOpenStreams: PEER_DEFAULTS.MAX_OPEN_STREAMS,
      maxOpenStreamsPerAddress: PEER_DEFAULTS.MAX_OPEN_STREAMS_PER_ADDRESS,
      accessRulesFile: undefined,
      settingsFile: resolve(PEER_DEFAULTS.DEFAULT_DATA_DIR, PEER_DEFAULTS.CONFIG_FILE)
    })
  })

  it('node: rates and folders reach the node options', async () => {
    const { opts } = await parse('node', '--bootstrap', '/ip4/127.0.0.1/tcp/2', '--share', 'a', '--share', 'b', '--max-upload', '2MiB/s',
      '--max-download', '1KiB/s', '--ttl', '60', '--upload-slots', '8', '--max-active-downloads', '5', '--no-upnp')
    const node = peerNodeOptions(opts as NodeCommandOptions)
    assert.equal(node.upnp, false)
    assert.deepEqual(node.share, [resolve('a'), resolve('b')])
    assert.deepEqual(node.bootstrap, ['/ip4/127.0.0.1/tcp/2'])
    assert.equal(node.maxUploadBytesPerSecond, 2 * 1024 * 1024)
    assert.equal(node.maxDownloadBytesPerSecond, 1024)
    assert.equal(node.ttlSeconds, 60)
    assert.equal(node.uploadSlots, 8)
    assert.equal(node.maxActiveDownloads, 5)
    assert.equal(peerNodeOptions((await parse('node', '--index', 'x', '--max-upload', 'unlimited')).opts as NodeCommandOptions).maxUploadBytesPerSecond, undefined)
  })

  it('search and browse: one page of the peer service\'s default size, from the start', async () => {
    const search = await parse('search', 'moby', 'dick', '--index', '/ip4/127.0.0.1/tcp/1')
    assert.deepEqual(search.args, [['moby', 'dick']])
    assert.equal(search.opts.limit, PEER_DEFAULTS.DEFAULT_SEARCH_LIMIT)
    assert.equal(search.opts.offset, 0)
    const browse = await parse('browse', 'some-peer', '--index', '/ip4/127.0.0.1/tcp/1', '--offset', '100')
    assert.deepEqual(browse.args, ['some-peer'])
    assert.equal(browse.opts.limit, PEER_DEFAULTS.DEFAULT_BROWSE_LIMIT)
    assert.equal(browse.opts.offset, 100)
  })

  it('get: saves into the working directory unless told', async () => {
    const { args, opts } = await parse('get', 'some-id', '--index', '/ip4/127.0.0.1/tcp/1')
    assert.deepEqual(args, ['some-id'])
    assert.equal(opts.out, '.')
    assert.equal(opts.maxDownload, undefined)
  })

  it('refuses bad values and missing options at parse time', async () => {
    const heap = await parseError('index', '--heap-growth', '-5')
    assert.equal(heap.code, 'commander.invalidArgument')
    assert.match(heap.message, /--heap-growth.*expected a whole number/)
    assert.match((await parseError('node', '--index', 'x', '--heap-growth', 'lots')).message, /--heap-growth.*expected a whole number/)
    assert.equal((await parse('node', '--index', 'x')).opts.heapGrowth, PEER_DEFAULTS.HEAP_GROWTH_PERCENT)
    assert.equal((await parseError('search', 'moby')).code, 'commander.missingMandatoryOptionValue')
    assert.equal((await parseError('search', 'moby', '--index', 'x', '--limit', '0')).code, 'commander.invalidArgument')
    assert.equal((await parseError('get')).code, 'commander.missingArgument')
    assert.equal((await parseError('bogus')).code, 'commander.unknownCommand')
  })

  describe('config file', () => {
    const scope = folderAndNodesPerTest()
    const config = async (text: string, name = 'arkshare.conf'): Promise<string> => await writeBook(scope.dir, name, text)

    it('node: settings from <data>/arkshare.conf, with their options\' own parsers; a flag wins', async () => {
      await config('# my peer\nindex = /ip4/127.0.0.1/tcp/1\nshare = a\nshare = b\nmax-upload = 2MiB/s\nmax-download = unlimited\nupload-slots = 6\ndht = true\n')
      const { opts } = await parse('node', '--data', scope.dir, '--upload-slots', '9')
      const node = peerNodeOptions(opts as NodeCommandOptions)
      assert.deepEqual(node.indexes, ['/ip4/127.0.0.1/tcp/1'])
      assert.deepEqual(node.share, [resolve('a'), resolve('b')])
      assert.equal(node.maxUploadBytesPerSecond, 2 * 1024 * 1024)
      assert.equal(node.maxDownloadBytesPerSecond, undefined)
      assert.equal(node.dht, true)
      assert.equal(node.uploadSlots, 9, 'the flag wins')
      assert.equal(node.settingsFile, join(scope.dir, 'arkshare.conf'))
      // repeated on the command line, a repeatable option replaces the file's list
      assert.deepEqual(peerNodeOptions((await parse('node', '--data', scope.dir, '--share', 'c')).opts as NodeCommandOptions).share, [resolve('c')])
    })

    it('index: --config names the file, which may move the data folder', async () => {
      const path = await config(`data = ${join(scope.dir, 'elsewhere')}\nmax-searches-per-minute = 60\nlisten = /ip4/127.0.0.1/tcp/0\n`, 'index.conf')
      const { opts } = await parse('index', '--config', path)
      assert.deepEqual([opts.data, opts.maxSearchesPerMinute, opts.listen], [join(scope.dir, 'elsewhere'), 60, ['/ip4/127.0.0.1/tcp/0']])
    })

    it('refuses a malformed file at start with its path, the line and the reason', async () => {
      const cases: Array<[string, RegExp]> = [
        ['upload-slots = 4\nmax upload\n', /arkshare\.conf line 2: expected "name = value"/],
        ['max-uplod = 1MiB/s\n', /line 1: unknown setting "max-uplod"/],
        ['\nmax-upload = fast\n', /line 2: --max-upload: not a rate: "fast"/],
        ['upload-slots = 0\n', /line 1: --upload-slots: expected a positive whole number/],
        ['dht = yes\n', /line 1: --dht is true or false, not "yes"/],
        ['upload-slots = 2\nupload-slots = 3\n', /line 2: upload-slots is set twice/],
        ['data = /tmp\n', /line 1: "data" can be set only in a file given with --config/],
        ['json = true\n', /line 1: unknown setting "json"/]
      ]
      for (const [text, reason] of cases) {
        await config(text)
        await assert.rejects(parse('node', '--data', scope.dir, '--index', 'x'), (err: Error) => {
          assert.equal(err.name, 'SettingsError')
          assert.match(err.message, reason)
          assert.ok(err.message.startsWith(join(scope.dir, 'arkshare.conf')), err.message)
          return true
        })
      }
      await assert.rejects(parse('index', '--config', join(scope.dir, 'missing.conf')), /missing\.conf cannot be read: ENOENT/)
    })
  })
})
