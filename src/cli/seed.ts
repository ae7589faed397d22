import { withDevelopmentKeys } from "../auth/keys.js";
import { signingKeySealer } from "../auth/secret-box.js";
import { ConfigError, loadConfig } from "../config.js";
import { openCliDatabase } from "./database.js";
import { seedDemoData } from "../demo/seed.js";

/** `npm run db:seed`: loads the demo data set into an empty, migrated database. Never run against production. */
async function main(): Promise<void> {
  // The development keys a server on this installation uses, so the demo applications' signing keys open there.
  const config = withDevelopmentKeys(loadConfig(process.env));
  const database = await openCliDatabase(config, "db:seed");
  try {
    const tenants = await database.prisma.tenant.count();
    if (tenants > 0) {
      process.stdout.write(`The database already holds ${tenants} tenant(s); the demo data set is loaded only into an empty database.\n`);
      return;
    }
    const started = Date.now();
    const counts = await seedDemoData(database.prisma, { sealer: signingKeySealer(config) });
    process.stdout.write(`Demo data loaded in ${Date.now() - started} ms: ${JSON.stringify(counts)}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
});
