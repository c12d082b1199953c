// Mocha hooks for a describe() that runs in the NAT lab: the lab is built before its tests and
// removed after them, also when they fail. Where network namespaces cannot be made (not root, a
// container without the capability) the tests skip with one line saying why, except on CI
// (CI=true), where a machine that permits them must run them and one that does not fails.
import { NatLab, type LabSpec } from '../../../scripts/nat-lab/lab.js'
import { labUnavailable } from '../../../scripts/nat-lab/namespaces.js'

export interface LabFixture { lab: NatLab }

/** In a before() hook: skips the describe() with one line where the lab cannot run (fails instead on CI). */
export async function requireLab (context: Mocha.Context): Promise<void> {
  const reason = await labUnavailable()
  if (reason == null) return
  if (process.env.CI === 'true') throw new Error(`CI=true but the NAT lab cannot run: ${reason}`)
  process.stdout.write(`      skipped (NAT lab): ${reason}\n`)
  context.skip()
}

export function useLab (spec: LabSpec): LabFixture {
  const fixture = {} as LabFixture
  before(async function () {
    await requireLab(this)
    fixture.lab = await NatLab.create(spec)
  })
  after(async () => {
    await fixture.lab?.destroy()
  })
  return fixture
}
