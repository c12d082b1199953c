// Writing a file so that a crash leaves either the old text or the new, never half of either:
// written beside it, flushed to disk, then renamed over it.
import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'

export async function writeFileAtomic (path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`
  const file = await open(temp, 'w', 0o600)
  try {
    await file.writeFile(text)
    await file.sync()
  } catch (err) {
    await file.close().catch(() => {})
    await unlink(temp).catch(() => {})
    throw err
  }
  await file.close()
  try {
    await rename(temp, path)
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw err
  }
}
