// The JavaScript/TypeScript standard style (neostandard, the ESLint 9 successor of `standard`, which
// libp2p's aegir also follows), run from the repository root by `npm run lint`. Its TypeScript parser
// needs TypeScript 5's compiler API, which the native TypeScript 7 compiler used for building does not
// ship: this folder is a package of its own (installed by the root's `prepare`) holding TypeScript 5.9
// for the parser, apart from the runtime dependencies, which are installed without peers (.npmrc).
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
