import { ESLint } from "eslint";

// The boundary rule as `npm run lint` runs it, on code written as if it sat at `filePath` in the tree.
const eslint = new ESLint({ cwd: new URL("../..", import.meta.url).pathname, overrideConfigFile: "eslint.config.js" });

async function boundaryMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = value;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "@typescript-eslint/no-restricted-imports").map((m) => m.message);
}

describe("the import boundaries of npm run lint", () => {
  it("reject a face importing another face, by its folder or through routes/", async () => {
    for (const source of ["../creditmemos/fields.js", "../../routes/credits/fields.js"]) {
      const messages = await boundaryMessages("src/routes/storecredit/x.ts", `import { value } from "${source}";`);
      expect(messages).toEqual([expect.stringContaining("A face never imports another face")]);
    }
  });

  it("reject a face, or any production module, importing src/demo or faker", async () => {
    const face = await boundaryMessages("src/routes/storecredit/x.ts", 'import { value } from "../../demo/factories.js";');
    expect(face).toEqual([expect.stringContaining("Only src/demo imports the demo")]);
    const app = await boundaryMessages("src/db/x.ts", 'import { value } from "../demo/seed.js";');
    expect(app).toEqual([expect.stringContaining("Only src/demo imports the demo")]);
    const faker = await boundaryMessages("src/examples/x.ts", 'import { faker as value } from "@faker-js/faker";');
    expect(faker).toEqual([expect.stringContaining("Only src/demo imports faker")]);
  });

  it("permit a face its own files and the shared modules", async () => {
    const code = [
      'import { value } from "./fields.js";',
      'import { queryErrorToApiError } from "../../query/index.js";',
      'import { creditmemoExample } from "../../examples/index.js";',
      'import { magentoDate } from "../../magento/index.js";',
      'import { Errors } from "../../errors.js";',
      "export { queryErrorToApiError, creditmemoExample, magentoDate, Errors };",
    ].join("\n");
    expect(await boundaryMessages("src/routes/storecredit/x.ts", code)).toEqual([]);
    expect(await boundaryMessages("src/demo/x.ts", 'import { value } from "./random.js";')).toEqual([]);
  });

  it("keep services, the ledger and the database layer free of HTTP", async () => {
    const service = await boundaryMessages("src/routes/credits/transactions.ts", 'import { value } from "../../http/write-route.js";');
    expect(service).toEqual([expect.stringContaining("know nothing of HTTP")]);
    const ledger = await boundaryMessages("src/ledger/x.ts", 'import type { FastifyRequest as value } from "fastify";');
    expect(ledger).toEqual([expect.stringContaining("know nothing of HTTP")]);
    const shared = await boundaryMessages("src/services/creditmemos/x.ts", 'import { value } from "../../http/write-route.js";');
    expect(shared).toEqual([expect.stringContaining("know nothing of HTTP")]);
    const upward = await boundaryMessages("src/services/storecredit/x.ts", 'import { value } from "../../routes/storecredit/schemas.js";');
    expect(upward).toEqual([expect.stringContaining("never the other way round")]);
    const adapter = await boundaryMessages("src/routes/credits/index.ts", 'import { value } from "../../http/write-route.js";');
    expect(adapter).toEqual([]);
    const faces = await boundaryMessages("src/routes/soap/x.ts", 'import { value } from "../../services/storecredit/service.js";');
    expect(faces).toEqual([]);
    // src/events is a shared module even though a face (src/routes/events) has the same name.
    expect(await boundaryMessages("src/routes/credits/x.ts", 'import { value } from "../../events/record.js";')).toEqual([]);
    expect(await boundaryMessages("src/routes/credits/x.ts", 'import { value } from "../events/reads.js";')).toEqual([
      expect.stringContaining("A face never imports another face"),
    ]);
    const events = await boundaryMessages("src/events/x.ts", 'import type { FastifyRequest as value } from "fastify";');
    expect(events).toEqual([expect.stringContaining("know nothing of HTTP")]);
  });

  it("keep the pure modules free of Fastify and the database runtime, Prisma's types aside", async () => {
    expect(await boundaryMessages("src/query/x.ts", 'import { value } from "../db/tenant-scope.js";')).toEqual([
      expect.stringContaining("import no database code"),
    ]);
    expect(await boundaryMessages("src/magento/x.ts", 'import { Prisma as value } from "../generated/prisma/client.js";')).toEqual([
      expect.stringContaining("not its runtime"),
    ]);
    expect(await boundaryMessages("src/money/x.ts", 'import pg from "pg";\nconst value = pg;')).toEqual([
      expect.stringContaining("no database runtime"),
    ]);
    expect(await boundaryMessages("src/soap/x.ts", 'import { value } from "../db/tenant-scope.js";')).toEqual([
      expect.stringContaining("import no database code"),
    ]);
    expect(await boundaryMessages("src/soap/xml/x.ts", 'import type { FastifyRequest as value } from "fastify";')).toEqual([
      expect.stringContaining("know nothing of HTTP"),
    ]);
    expect(await boundaryMessages("src/magento/x.ts", 'import type { Order as value } from "../generated/prisma/client.js";')).toEqual([]);
  });
});
