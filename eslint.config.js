import { readdirSync } from "node:fs";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// ---------------------------------------------------------------------------------------------------------------
// Module boundaries (see src/routes/README.md). Each folder of src/routes is a face: a thin adapter over services.
// Faces share code through src/services (the services more than one face calls), src/query, src/ledger, src/events, src/money,
// src/db, src/magento, src/soap, src/auth, src/http, src/errors, src/metrics and src/examples, never by importing each other; nothing but the demo itself (and the seed command)
// imports src/demo, which keeps faker out of the production module graph. One rule carries every boundary, so each
// block below lists all the restrictions of the files it matches: a later block replaces an earlier one's list.

const FACES = readdirSync(new URL("./src/routes/", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const NO_DEMO = [
  {
    regex: "^(\\.{1,2}/)+demo/",
    message: "Only src/demo imports the demo (and faker): put data shared with it in src/examples.",
  },
  { group: ["@faker-js/*"], message: "Only src/demo imports faker: it must stay out of the production module graph." },
];

const noOtherFace = (face) => {
  const others = FACES.filter((other) => other !== face);
  return others.length === 0
    ? []
    : [
        {
          // A sibling face (`../credits/`) or any face through routes/ (`../../routes/credits/`); `../../events/` is
          // src/events, a shared module, whatever faces are called.
          regex: `^(\\.\\./(${others.join("|")})/|(\\.\\./)+routes/(${others.join("|")})/)`,
          message:
            "A face never imports another face (src/routes/<face>): move what both need into src/services, src/query, src/magento, src/ledger, src/money or src/http.",
        },
      ];
};

const NO_FACE = [
  { regex: "^(\\.\\./)+routes/", message: "Faces (src/routes) import this module, never the other way round." },
];

const NO_HTTP = [
  {
    regex: "^(\\.\\./)+(http|plugins)/",
    message: "Services (src/services and a face's own), src/ledger and src/db know nothing of HTTP: no src/http or src/plugins.",
  },
  { group: ["fastify", "fastify-plugin", "@fastify/*"], message: "Services, src/ledger and src/db know nothing of HTTP: no Fastify." },
];

const NO_DATABASE_RUNTIME = [
  {
    regex: "^(\\.\\./)+db/",
    message: "Pure modules (src/query, src/money, src/magento, src/soap, src/validation) import no database code.",
  },
  {
    group: ["@prisma/*", "pg", "@electric-sql/*", "pglite-prisma-adapter"],
    message: "Pure modules (src/query, src/money, src/magento, src/soap, src/validation) import no database runtime.",
  },
  {
    regex: "generated/prisma/",
    allowTypeImports: true,
    message: "Pure modules (src/query, src/money, src/magento, src/soap, src/validation) may use Prisma's types, not its runtime: import type.",
  },
];

// A face's HTTP adapter: the plugin, its schemas and its error format. Every other file of a face is a service.
const ADAPTER_FILES = ["index.ts", "*schemas.ts", "schema-parts.ts", "list-query.ts", "error-format.ts"];

const restrict = (files, patterns, ignores) => ({
  files,
  ...(ignores ? { ignores } : {}),
  rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] },
});

const boundaries = [
  restrict(["src/**/*.ts"], NO_DEMO, ["src/demo/**", "src/cli/seed.ts"]),
  ...FACES.flatMap((face) => [
    restrict([`src/routes/${face}/**/*.ts`], [...NO_DEMO, ...noOtherFace(face)]),
    restrict(
      [`src/routes/${face}/**/*.ts`],
      [...NO_DEMO, ...noOtherFace(face), ...NO_HTTP],
      ADAPTER_FILES.map((file) => `src/routes/${face}/${file}`),
    ),
  ]),
  restrict(
    ["src/services/**/*.ts", "src/ledger/**/*.ts", "src/events/**/*.ts", "src/db/**/*.ts", "src/delivery/**/*.ts", "src/mail/**/*.ts"],
    [...NO_DEMO, ...NO_FACE, ...NO_HTTP],
  ),
  restrict(
    ["src/query/**/*.ts", "src/money/**/*.ts", "src/magento/**/*.ts", "src/soap/**/*.ts", "src/validation/**/*.ts"],
    [...NO_DEMO, ...NO_FACE, ...NO_HTTP, ...NO_DATABASE_RUNTIME],
  ),
];

export default tseslint.config(
  { ignores: ["dist/", "src/generated/", "coverage/", "data/", ".scratch/", "test/e2e/client/generated/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
      eqeqeq: ["error", "always"],
    },
  },
  ...boundaries,
  {
    files: ["src/cli/**", "scripts/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["**/*.mjs", "*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
