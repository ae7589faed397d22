// Run by global-setup.mjs under tsx, once per test run: boots PGlite once, migrates it with Tally's own runner and
// writes two `dumpDataDir()` tarballs that every test file's embedded database then starts from (no initdb, no
// migrations per file): `empty.tar` (a fresh cluster) and `migrated.tar`.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SqlClient } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";

const [directory] = process.argv.slice(2);
if (!directory) throw new Error("usage: pglite-template.ts <output directory>");

const pglite = await PGlite.create();
const session: SqlClient = {
  query: async (text, params = []) => (await pglite.query<never>(text, [...params])).rows,
  exec: async (script) => void (await pglite.exec(script)),
};
writeFileSync(path.join(directory, "empty.tar"), new Uint8Array(await (await pglite.dumpDataDir("none")).arrayBuffer()));
await applyMigrations(session, readMigrations());
writeFileSync(path.join(directory, "migrated.tar"), new Uint8Array(await (await pglite.dumpDataDir("none")).arrayBuffer()));
await pglite.close();
