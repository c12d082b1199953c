// The JavaScript/TypeScript standard style (neostandard, the ESLint 9 successor of `standard`, which
// libp2p's aegir also follows). Its TypeScript parser needs TypeScript 5's compiler API, which the
// native TypeScript 7 compiler used for building does not ship: package.json's "overrides" gives
// neostandard its own TypeScript 5.9.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'src/wire/pb/**', '.arkshare/**', 'test-output/**'] }),
  {
    rules: {
      // `void promise` marks a promise left to run on purpose (its errors are handled where it is made)
      'no-void': ['error', { allowAsStatement: true }]
    }
  }
]
