/** Jest runs the TypeScript sources as native ES modules (see README: "Module system"). test/README.md: the projects. */
const shared = {
  testEnvironment: "node",
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
};

/** Projects that open a database: it is prepared once per run (test/helpers/global-setup.mjs), not per file. */
const withDatabase = {
  ...shared,
  setupFilesAfterEnv: ["<rootDir>/test/helpers/openapi-conformance-setup.ts"],
  globalSetup: "<rootDir>/test/helpers/global-setup.mjs",
  globalTeardown: "<rootDir>/test/helpers/global-teardown.mjs",
};

export default {
  // Jest's default leaves a core idle (one worker, in band, on two cores); the database files are CPU-bound.
  maxWorkers: "100%",
  // A file still boots PGlite from WebAssembly (about half a second from the run's dump) and builds the app.
  testTimeout: 30_000,
  projects: [
    { ...shared, displayName: "unit", roots: ["<rootDir>/test/unit"] },
    { ...withDatabase, displayName: "integration", roots: ["<rootDir>/test/integration"] },
    { ...withDatabase, displayName: "e2e", roots: ["<rootDir>/test/e2e"] },
  ],
};
