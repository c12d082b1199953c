#!/usr/bin/env node
// The arkshare command line. The shim import must stay first: libp2p 3 needs Promise.withResolvers.
import '../runtime/promise-with-resolvers.js'
import { errorMessage } from './errors.js'
import { buildProgram } from './program.js'

buildProgram().parseAsync(process.argv).catch((err) => {
  process.stderr.write(`arkshare: ${errorMessage(err)}\n`)
  process.exit(1)
})
