// A replica's delivery loop alone, in a process of its own, for tests that kill it: `node --import tsx` this file
// with PUSH_TEST_DATABASE_URL (PostgreSQL) or PUSH_TEST_DATA_DIR (an embedded data directory) and the EVENT_*
// variables of the replica. It prints "ready" once the loop runs.
import { openDatabase } from "../../src/db/database.js";
import { startDeliveryLoop } from "../../src/delivery/loop.js";
import { pushJob } from "../../src/events/push/job.js";
import { testConfig } from "./app.js";
import { testSecretBox } from "./push.js";

const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("EVENT_"))) as Record<string, string>;
const config = testConfig(env);
const database = await openDatabase({
  url: process.env["PUSH_TEST_DATABASE_URL"],
  dataDir: process.env["PUSH_TEST_DATA_DIR"] ?? "",
  poolSize: 2,
  connectTimeoutMs: 5_000,
});
const log = { debug() {}, info() {}, warn() {}, error() {} };
startDeliveryLoop({ jobs: [pushJob({ prisma: database.prisma, secrets: testSecretBox, config, log })], concurrency: 4, pollMs: 20, log });
process.stdout.write("ready\n");
