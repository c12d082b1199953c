// A peer's stable identity: the Ed25519 key in <data>/peer.key (mode 0600), created on first run.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

export const KEY_FILE = 'peer.key'

export async function loadOrCreateKey (dataDir: string): Promise<PrivateKey> {
  const path = join(dataDir, KEY_FILE)
  try {
    return privateKeyFromProtobuf(await readFile(path))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot read the peer key ${path}: ${(err as Error).message}`)
    }
  }
  await mkdir(dataDir, { recursive: true })
  const key = await generateKeyPair('Ed25519')
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' })
  await chmod(temp, 0o600)
  await rename(temp, path)
  return key
}
