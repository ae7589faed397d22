import { openDatabase } from "../../src/db/database.js";
import { applyMigrations, pendingMigrations, readMigrations } from "../../src/db/migrate.js";

const shipped = readMigrations();

describe("pendingMigrations", () => {
  it("lists every shipped migration for a database never migrated, none once migrated, and the newer ones in between", async () => {
    const database = await openDatabase({ dataDir: "memory://", poolSize: 1, connectTimeoutMs: 5_000 });
    try {
      expect(await database.withSession((sql) => pendingMigrations(sql, shipped))).toEqual(shipped.map((m) => m.name));
      const older = shipped.slice(0, -1);
      await database.withSession((sql) => applyMigrations(sql, older));
      expect(await database.withSession((sql) => pendingMigrations(sql, shipped))).toEqual([shipped[shipped.length - 1]?.name]);
      await database.withSession((sql) => applyMigrations(sql, shipped));
      expect(await database.withSession((sql) => pendingMigrations(sql, shipped))).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
