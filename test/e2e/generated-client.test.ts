import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import ts from "typescript";
import { BEHAVIORS } from "../../src/auth/caller.js";
import type { Database } from "../../src/db/database.js";
import {
  createCredit,
  createCreditmemo,
  createCustomer,
  createOrder,
  createStore,
  createTenant,
  createWebsite,
} from "../../src/demo/factories.js";
import type { Store, Website } from "../../src/generated/prisma/client.js";
import { registerApplication } from "../../src/routes/platform/service.js";
import { buildTestApp } from "../helpers/app.js";
import { openTestDatabase } from "../helpers/database.js";
import type { ConnectTally, TallyClient } from "./client/contract.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOCUMENT = path.join(ROOT, "openapi/openapi.json");
const USAGE_MODULE = fileURLToPath(new URL("./client/tally-client.ts", import.meta.url));
const GENERATED_FILE = fileURLToPath(new URL("./client/generated/tally.ts", import.meta.url));
// A variable specifier keeps tsc from following this import: the module compiles only against the generated types,
// which exist once the first test has run, and that test type-checks it.
const USAGE_SPECIFIER = "./client/tally-client.js";

// Generating types and type-checking them loads the TypeScript compiler; that takes seconds on two cores.
const COMPILER_TIMEOUT = 90_000;

/** Renders the TypeScript types openapi-typescript generates for an OpenAPI document given as JSON text. */
async function generateTypes(json: string): Promise<string> {
  return COMMENT_HEADER + astToString(await openapiTS(json, { silent: true }));
}

/** Writes `source` to `file` by renaming a temporary copy, so a test run in parallel never reads half a file. */
function writeAtomically(file: string, source: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, source);
  renameSync(temporary, file);
}

// The libraries' declaration files parse the same for every check, so each is parsed once per test file.
const declarationFiles = new Map<string, ts.SourceFile>();

/**
 * Type-checks the usage module (and what it imports) under tsconfig.json's compiler options with strict on,
 * `generated` standing in for the generated file; returns one line per problem, with the offending source line.
 */
function typeCheck(generated: string): string[] {
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const options = { ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options, noEmit: true, strict: true };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  const isGenerated = (file: string) => path.resolve(file) === GENERATED_FILE;
  host.readFile = (file) => (isGenerated(file) ? generated : readFile(file));
  host.fileExists = (file) => isGenerated(file) || ts.sys.fileExists(file);
  host.directoryExists = (directory) => isGenerated(path.join(directory, path.basename(GENERATED_FILE))) || ts.sys.directoryExists(directory);
  host.getSourceFile = (file, language, onError, fresh) => {
    if (!file.endsWith(".d.ts")) return getSourceFile(file, language, onError, fresh);
    const parsed = declarationFiles.get(file) ?? getSourceFile(file, language, onError, fresh);
    if (parsed) declarationFiles.set(file, parsed);
    return parsed;
  };
  const program = ts.createProgram({ rootNames: [USAGE_MODULE], options, host });
  return ts.getPreEmitDiagnostics(program).map(describeDiagnostic);
}

function describeDiagnostic(diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n    ");
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const source = diagnostic.file.text.split("\n")[line]?.trim();
  return `${path.relative(ROOT, diagnostic.file.fileName)}(${line + 1},${character + 1}): TS${diagnostic.code}: ${message}\n    at: ${source}`;
}

interface Schema {
  type?: string | string[];
  enum?: string[];
  properties?: Record<string, Schema>;
}

/** The parts of the OpenAPI document the mutation tests edit. */
interface Document {
  paths: Record<string, Record<string, { parameters?: { name: string; schema: Schema }[] }>>;
  components: { schemas: Record<string, Schema> };
}

/** Finds a schema the mutation tests edit, or fails naming what the document no longer has. */
function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`openapi/openapi.json no longer has ${what}: update this test's mutations`);
  return value;
}

describe("a client generated from openapi/openapi.json", () => {
  test(
    "compiles together with a client written against it",
    async () => {
      const source = await generateTypes(readFileSync(DOCUMENT, "utf8"));
      writeAtomically(GENERATED_FILE, source);
      const problems = typeCheck(source);
      if (problems.length > 0) {
        throw new Error(
          `The types generated from openapi/openapi.json (${path.relative(ROOT, GENERATED_FILE)}) no longer fit ` +
            `${path.relative(ROOT, USAGE_MODULE)}: the document changed a parameter, body or response the client ` +
            `relies on, or the client needs updating.\n\n${problems.join("\n\n")}`,
        );
      }
    },
    COMPILER_TIMEOUT,
  );

  // Proves the check above can fail (it would pass whatever the document says if the client's types became `any`).
  test.each([
    {
      change: "a response field changes type",
      mutate: (document: Document) => {
        found(document.components.schemas["StoreCreditBalance"]?.properties?.["amount"], "StoreCreditBalance.amount").type = "string";
      },
      expected: /Types of property 'amount' are incompatible[\s\S]*at: async getStoreCreditBalance\(/,
    },
    {
      change: "a query parameter changes type",
      mutate: (document: Document) => {
        const parameters = document.paths["/api/commerce/customer/accounts/{customerId}/storecredit"]?.["get"]?.parameters;
        found(parameters?.find((parameter) => parameter.name === "websiteId"), "the websiteId parameter").schema.type = "string";
      },
      expected: /'number' is not assignable to type 'string'[\s\S]*at: .*query: \{ websiteId \}/,
    },
    {
      change: "an enum gains a value",
      mutate: (document: Document) => {
        found(document.components.schemas["CustomerCredit"]?.properties?.["creditType"]?.enum, "CustomerCredit.creditType").push("Voucher");
      },
      expected: /"Voucher"' is not assignable to type 'CreditType'/,
    },
  ])(
    "the type check fails when $change in the document",
    async ({ mutate, expected }) => {
      const document: Document = JSON.parse(readFileSync(DOCUMENT, "utf8"));
      mutate(document);
      const problems = typeCheck(await generateTypes(JSON.stringify(document)));
      expect(problems).toContainEqual(expect.stringMatching(expected));
    },
    COMPILER_TIMEOUT,
  );
});

describe("the generated client against a running Tally", () => {
  let database: Database;
  let app: FastifyInstance;
  let tally: TallyClient;
  let tenantId: number;
  let website: Website;
  let store: Store;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error(`Tally is not listening on TCP: ${address}`);
    const prisma = database.prisma;
    tenantId = (await createTenant(prisma)).id;
    website = await createWebsite(prisma, { tenantId, baseCurrencyCode: "USD" });
    store = await createStore(prisma, { websiteId: website.id });
    const credentials = await registerApplication(prisma, { tenantId, name: "Generated client", behaviors: BEHAVIORS });
    const { connectTally }: { connectTally: ConnectTally } = await import(USAGE_SPECIFIER);
    tally = await connectTally(`http://127.0.0.1:${address.port}`, credentials);
  });

  afterAll(async () => {
    await app.close();
    await database.close();
  });

  /** A new customer of the test tenant, so each test's credits are its own. */
  async function newCustomer(): Promise<number> {
    return (await createCustomer(database.prisma, { tenantId })).customerId;
  }

  test("lists exactly the credits a filter selects", async () => {
    const prisma = database.prisma;
    const customerId = await newCustomer();
    const mine = { tenantId, customerId };
    const giftCard = await createCredit(prisma, { ...mine, creditType: "GiftCard", initialBalance: "50.00" });
    const storeCredit = await createCredit(prisma, { ...mine, creditType: "StoreCredit", initialBalance: "80.00" });
    // Left out by the balance condition: too small, or spent down to nothing.
    await createCredit(prisma, { ...mine, initialBalance: "5.00" });
    await createCredit(prisma, { ...mine, initialBalance: "30.00", transactions: [{ type: "Debit", amount: "30.00" }] });
    // Left out by the customer condition.
    await createCredit(prisma, { tenantId, customerId: await newCustomer(), initialBalance: "100.00" });

    const page = await tally.listCredits({ filter: `customerId eq ${customerId} and currentBalance gt 10`, sortBy: "code" });

    expect(page).toEqual({
      totalCount: 2,
      items: [
        { code: giftCard.code, creditType: "GiftCard", currencyCode: "USD", initialBalance: 50, currentBalance: 50, customerId },
        { code: storeCredit.code, creditType: "StoreCredit", currencyCode: "USD", initialBalance: 80, currentBalance: 80, customerId },
      ],
    });
  });

  test("a debit lowers the balance getCredit reports", async () => {
    const credit = await createCredit(database.prisma, { tenantId, customerId: await newCustomer(), initialBalance: "50.00" });

    const transaction = await tally.addTransaction(
      credit.code,
      { transactionType: "Debit", impactAmount: 12.5, orderId: "100000744", comments: "Order 100000744" },
      randomUUID(),
    );

    expect(transaction).toEqual({
      id: expect.any(Number),
      transactionType: "Debit",
      impactAmount: -12.5,
      orderId: "100000744",
      comments: "Order 100000744",
    });
    const after = await tally.getCredit(credit.code);
    expect(after).toMatchObject({ code: credit.code, initialBalance: 50, currentBalance: 37.5 });
  });

  test("reads a customer's store-credit balance in a website", async () => {
    const prisma = database.prisma;
    const customerId = await newCustomer();
    const mine = { tenantId, customerId };
    await createCredit(prisma, { ...mine, creditType: "StoreCredit", websiteRef: website.id, initialBalance: "40.25" });
    await createCredit(prisma, { ...mine, creditType: "GiftCard", initialBalance: "9.75" });
    // Another currency than the website's: not part of this balance.
    await createCredit(prisma, { ...mine, currencyCode: "CAD", initialBalance: "100.00" });

    const balance = await tally.getStoreCreditBalance(customerId, website.websiteId);

    expect(balance).toEqual({ customerId, websiteId: website.websiteId, currencyCode: "USD", amount: 50 });
  });

  test("reads a credit memo by its increment id", async () => {
    const prisma = database.prisma;
    const order = await createOrder(prisma, {
      storeRef: store.id,
      customerId: await newCustomer(),
      shippingAmount: "5.00",
      items: [{ sku: "MUG-BLUE", price: "30.00", qtyOrdered: 2 }],
    });
    const memo = await createCreditmemo(prisma, { order_ref: order.id, comments: ["Refunded to store credit"] });

    const read = await tally.getCreditmemo(memo.increment_id);

    expect(read).toMatchObject({
      increment_id: memo.increment_id,
      order_increment_id: order.incrementId,
      state: "2",
      order_currency_code: "USD",
      subtotal: "60.0000",
      shipping_amount: "5.0000",
      grand_total: "65.0000",
      items: [{ sku: "MUG-BLUE", qty: "2.0000", row_total: "60.0000" }],
      comments: [{ comment: "Refunded to store credit" }],
    });
  });

  test("an unknown credit code comes back as the typed error body", async () => {
    await expect(tally.getCredit("GC-NO-SUCH-CODE")).rejects.toMatchObject({
      operation: "getCredit",
      status: 404,
      errorCode: "ITEM_NOT_FOUND",
    });
  });
});
