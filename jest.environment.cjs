/**
 * Jest's node environment plus a copy of elliptic loaded in Node's main realm.
 *
 * Code that jest loads runs inside a vm context, where every global lookup (`Math.min`,
 * `Math.imul`, ...) goes through the context's interceptor. bn.js, under elliptic, does such
 * lookups in its inner loops: measured here, a secp256k1 verify took 153 ms inside jest against
 * 2.4 ms outside (bn.js redMul 80x slower). Loading elliptic outside the context gives tests the
 * real speed; `jest.elliptic-shim.cjs` hands this copy to `import elliptic from 'elliptic'`.
 */
const { TestEnvironment } = require('jest-environment-node');

class PowcoinTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const rootDir = config.projectConfig.rootDir;
    this.global.__powcoinNativeElliptic = require(
      require.resolve('elliptic', { paths: [rootDir, `${__dirname}/packages/core`] }),
    );
  }
}

module.exports = PowcoinTestEnvironment;
