// The HTTP token: 32 random bytes (base64url) kept in a file only its owner may read, made once and
// reused across restarts, so a bookmarked page and a script's token keep working. Compared in
// constant time; the session cookie carries a value derived from it, never the token itself.
import { createHmac, randomBytes, timingSafeEqual, createHash } from 'node:crypto'
import { mkdir, open, readFile, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { MIN_TOKEN_LENGTH, TOKEN_BYTES } from '../constants.js'

/** Reads the token in `file`, or makes one there (mode 0600) when there is none. */
export async function loadOrCreateToken (file: string): Promise<string> {
  const existing = await readToken(file)
  if (existing != null) return existing
  await mkdir(dirname(file), { recursive: true })
  const token = randomBytes(TOKEN_BYTES).toString('base64url')
  try {
    // 'wx': another process that made the file first wins, and we read its token
    const handle = await open(file, 'wx', 0o600)
    try {
      await handle.writeFile(`${token}\n`)
      await handle.sync()
    } finally {
      await handle.close()
    }
    return token
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot write the HTTP token file ${file}: ${(err as Error).message}`)
    const raced = await readToken(file)
    if (raced == null) throw new Error(`the HTTP token file ${file} vanished while being read`)
    return raced
  }
}

async function readToken (file: string): Promise<string | undefined> {
  let text: string
  try {
    const info = await stat(file)
    // like ssh with a private key: a secret others can read is refused, not silently used
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new Error(`the HTTP token file ${file} can be read by others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`)
    }
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  const token = text.trim()
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new Error(`the HTTP token file ${file} holds no usable token (one line of at least ${MIN_TOKEN_LENGTH} characters, no spaces)`)
  }
  return token
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** Checks presented tokens and session cookies against the node's token. */
export class TokenCheck {
  private readonly tokenDigest: Buffer
  /** What the session cookie holds: stable across restarts (the token is), useless elsewhere. */
  readonly sessionValue: string

  constructor (token: string) {
    this.tokenDigest = digest(token)
    this.sessionValue = createHmac('sha256', token).update('arkshare http session').digest('base64url')
  }

  /** Digests first: equal lengths for timingSafeEqual, and no timing hint about the length. */
  matchesToken (presented: string): boolean {
    return timingSafeEqual(digest(presented), this.tokenDigest)
  }

  matchesSession (presented: string): boolean {
    return timingSafeEqual(digest(presented), digest(this.sessionValue))
  }
}
