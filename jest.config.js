/** Jest runs the TypeScript sources as native ES modules (see README: "Module system"). */
export default {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "es6" } },
    ],
    // @fastify/static (behind /docs) require()s the ESM-only content-disposition: Node ≥ 20.19 allows that, Jest's
    // module runtime only from Node 24.9, so Jest compiles it to CommonJS when required.
    "/node_modules/content-disposition/.+\\.js$": ["@swc/jest", {}],
  },
  transformIgnorePatterns: ["/node_modules/(?!content-disposition/)"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  setupFilesAfterEnv: ["<rootDir>/test/helpers/openapi-conformance-setup.ts"],
  globalSetup: "<rootDir>/test/helpers/global-setup.mjs",
  globalTeardown: "<rootDir>/test/helpers/global-teardown.mjs",
  // PGlite compiles PostgreSQL from WebAssembly once per test file; that takes a few seconds on two cores.
  testTimeout: 30_000,
};
