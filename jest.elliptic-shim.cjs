// See jest.environment.cjs: the main-realm elliptic, injected by the test environment.
module.exports = globalThis.__powcoinNativeElliptic;
