// Settings for `arkshare node` and `arkshare index` from a config file (`<data>/arkshare.conf`, or
// --config FILE): one `name = value` a line, each name one of the command's long options, read with
// that option's own parser. A flag on the command line wins over the file, the file over defaults.
// A file that cannot be read as settings stops the command with the line and the reason.
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseSettings, SettingsError } from '../peer/index.js'
import { collect } from './options.js'
import type { Command, Option } from 'commander'

/** Options a config file cannot set: the file itself, and how the command prints. */
const NOT_SETTINGS = new Set(['config', 'json', 'help'])

/** The config file a command reads: --config, else `fileName` in its data folder. */
export function configPath (opts: { config?: string, data: string }, fileName: string): string {
  return resolve(opts.config ?? join(opts.data, fileName))
}

function fail (path: string, message: string): never {
  throw new SettingsError(`${path} ${message}`)
}

/** The value of one setting, parsed as its option parses a flag's. */
function settingValue (path: string, option: Option, line: number, value: string, previous: unknown): unknown {
  if (option.isBoolean()) {
    if (value !== 'true' && value !== 'false') fail(path, `line ${line}: ${option.long as string} is true or false, not "${value}"`)
    return value === 'true'
  }
  if (option.parseArg == null) return value
  try {
    return option.parseArg(value, previous)
  } catch (err) {
    return fail(path, `line ${line}: ${option.long as string}: ${(err as Error).message}`)
  }
}

/** Reads the command's config file into its options (a missing file in the data folder is no error). */
export async function applyConfigFile (command: Command, fileName: string): Promise<void> {
  const opts = command.opts<{ config?: string, data: string }>()
  const explicit = opts.config != null
  const path = configPath(opts, fileName)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return
    return fail(path, `cannot be read: ${(err as Error).message}`)
  }
  let settings
  try {
    settings = parseSettings(text)
  } catch (err) {
    return fail(path, (err as Error).message)
  }
  const seen = new Set<string>()
  for (const { line, name, value } of settings) {
    const option = command.options.find(o => o.long === `--${name}`)
    if (option == null || NOT_SETTINGS.has(name)) fail(path, `line ${line}: unknown setting "${name}"`)
    // the data folder holds this file: only a file named with --config may move it
    if (name === 'data' && !explicit) fail(path, `line ${line}: "data" can be set only in a file given with --config`)
    const repeatable = option.parseArg === collect
    if (seen.has(name) && !repeatable) fail(path, `line ${line}: ${name} is set twice`)
    const key = option.attributeName()
    if (command.getOptionValueSource(key) === 'cli') continue
    const previous = seen.has(name) ? command.getOptionValue(key) : undefined
    seen.add(name)
    command.setOptionValueWithSource(key, settingValue(path, option, line, value, previous), 'config')
  }
}
