// A logger that says nothing, for parts under test outside a libp2p node.
import type { Logger } from '@libp2p/interface'

export const silentLog: Logger = Object.assign(() => {}, {
  error: () => {},
  trace: () => {},
  enabled: false,
  newScope: () => silentLog
})
