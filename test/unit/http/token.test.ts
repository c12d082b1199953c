import assert from 'node:assert/strict'
import { chmod, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadOrCreateToken, TokenCheck } from '../../../src/http/security/token.js'
import { removeDir, tempDir } from '../../helpers.js'

describe('http token', () => {
  let dir: string
  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => { await removeDir(dir) })

  it('makes 32 random bytes in a file only its owner may read, and reuses them', async () => {
    const file = join(dir, 'data', 'http-token')
    const token = await loadOrCreateToken(file)
    assert.equal(Buffer.from(token, 'base64url').length, 32)
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    assert.equal((await readFile(file, 'utf8')).trim(), token)
    assert.equal(await loadOrCreateToken(file), token)
    assert.notEqual(await loadOrCreateToken(join(dir, 'other')), token)
  })

  it('refuses a token file others can read, or one without a usable token', async () => {
    const file = join(dir, 'http-token')
    await writeFile(file, 'x'.repeat(40), { mode: 0o644 })
    await chmod(file, 0o644)
    await assert.rejects(loadOrCreateToken(file), /can be read by others \(mode 644\): chmod 600 it/)
    await chmod(file, 0o600)
    assert.equal(await loadOrCreateToken(file), 'x'.repeat(40))
    await writeFile(file, 'short\n')
    await assert.rejects(loadOrCreateToken(file), /holds no usable token/)
  })

  it('checks tokens and session values, and never uses the token as the session value', () => {
    const check = new TokenCheck('t'.repeat(43))
    assert.equal(check.matchesToken('t'.repeat(43)), true)
    assert.equal(check.matchesToken('t'.repeat(42)), false)
    assert.equal(check.matchesToken(''), false)
    assert.notEqual(check.sessionValue, 't'.repeat(43))
    assert.equal(check.matchesSession(check.sessionValue), true)
    assert.equal(check.matchesSession('t'.repeat(43)), false)
    assert.equal(new TokenCheck('t'.repeat(43)).sessionValue, check.sessionValue, 'stable across restarts')
  })
})
