// PATCH /api/v1/limits: the limits to change, checked by the service (setLimits) once; a bad value
// is 400 naming its field, and nothing changes.
import { InvalidLimitError, type Arkshare, type Limits } from '../../peer/index.js'
import { invalid } from '../errors.js'
import { objectBody } from '../request-body.js'

export async function limitChanges (arkshare: Arkshare, body: unknown): Promise<Limits> {
  const changes = objectBody(body)
  const known = Object.keys(arkshare.limits())
  const unknown = Object.keys(changes).find(k => !known.includes(k))
  if (unknown != null) throw invalid(unknown, `unknown limit: the limits are ${known.join(', ')}`)
  try {
    return await arkshare.setLimits(changes as Partial<Limits>)
  } catch (err) {
    if (err instanceof InvalidLimitError) throw invalid(err.field, err.message)
    throw err
  }
}
