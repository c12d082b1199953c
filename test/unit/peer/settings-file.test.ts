import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { editSettings, formatRate, parseSettings, SettingsError, SettingsFile } from '../../../src/peer/settings-file.js'
import { folderAndNodesPerTest } from '../../helpers.js'

describe('settings file', () => {
  const scope = folderAndNodesPerTest()

  it('reads one "name = value" a line, skipping blank lines and comments', () => {
    assert.deepEqual(parseSettings('# limits\n\nmax-upload = 2MiB/s\r\n  share=/books/a  \nshare = /books/b c\n'), [
      { line: 3, name: 'max-upload', value: '2MiB/s' },
      { line: 4, name: 'share', value: '/books/a' },
      { line: 5, name: 'share', value: '/books/b c' }
    ])
  })

  it('refuses a malformed line, naming it and saying why', () => {
    assert.throws(() => parseSettings('max-upload = 1MiB/s\nmax upload 2\n'), (err: Error) => err instanceof SettingsError && err.message === 'line 2: expected "name = value", as in "max-upload = 2MiB/s"')
    assert.throws(() => parseSettings('\n\nupload-slots =\n'), /line 3: "upload-slots" has no value$/)
    assert.throws(() => parseSettings('Max-Upload = 1\n'), /: line 1: expected/)
  })

  it('edits settings in place: the first line replaced, repeats dropped, new ones appended, the rest kept', () => {
    const text = '# mine\nmax-upload = 1MiB/s\nshare = /books\nmax-upload = 9\n# end\n'
    assert.equal(editSettings(text, { 'max-upload': '2MiB/s', 'upload-slots': '8' }), '# mine\nmax-upload = 2MiB/s\nshare = /books\n# end\nupload-slots = 8\n')
    assert.equal(editSettings('', { 'max-download': 'unlimited' }), 'max-download = unlimited\n')
  })

  it('writes rates as people do', () => {
    assert.deepEqual([formatRate(2 * 1024 * 1024), formatRate(1536 * 1024), formatRate(3 * 1024 ** 3), formatRate(1000), formatRate(null)],
      ['2MiB/s', '1536KiB/s', '3GiB/s', '1000', 'unlimited'])
  })

  it('saves changed limits into the file, creating it, keeping what else it holds', async () => {
    const path = join(scope.dir, 'arkshare.conf')
    const file = new SettingsFile(path)
    await file.saveLimits({ uploadSlots: 6 })
    assert.match(await readFile(path, 'utf8'), /^# arkshare settings.*\nupload-slots = 6\n$/)
    await writeFile(path, '# hand-written\nshare = /books\nupload-slots = 6\n')
    await Promise.all([file.saveLimits({ maxUploadBytesPerSecond: 512 * 1024 }), file.saveLimits({ maxUploadBytesPerSecond: null, maxActiveDownloads: 2 })])
    assert.equal(await readFile(path, 'utf8'), '# hand-written\nshare = /books\nupload-slots = 6\nmax-upload = unlimited\nmax-active-downloads = 2\n')
    assert.deepEqual(parseSettings(await readFile(path, 'utf8')).map(s => s.name), ['share', 'upload-slots', 'max-upload', 'max-active-downloads'])
  })
})
