import type { FuzzResponse, ResponseChecker } from "./check.js";
import type { FuzzGenerator } from "./generate.js";
import { type FuzzRequest, describeRequest } from "./request.js";

/** Sends a range of the generated stream with bounded concurrency and tallies every answer. */

export interface Failure {
  index: number;
  request: FuzzRequest;
  status: number | undefined;
  problems: string[];
  body: string;
  /** The connection that answered, and the request answered on it before this one (with its index; none for setup). */
  connection?: { id: number; previous?: { index: number | undefined; request: FuzzRequest } };
}

export interface Tally {
  requests: number;
  byClass: Record<"2xx" | "3xx" | "4xx" | "5xx" | "other", number>;
  /** Server errors: HTTP 5xx outside SOAP, and SOAP faults of Tally's own failure. */
  serverErrors: number;
  /** SOAP faults the caller caused (HTTP 500 by SOAP 1.1, not server errors). */
  soapClientFaults: number;
  violations: number;
  /** Requests per operation, and how many of them answered 2xx. */
  operations: Map<string, { sent: number; ok: number }>;
  /** The first failure of each kind (operation, status and problem), and how many there were of that kind. */
  failures: Failure[];
  failureKinds: Map<string, number>;
  seconds: number;
}

export interface DriveOptions {
  generator: FuzzGenerator;
  checker: ResponseChecker;
  send: (request: FuzzRequest) => Promise<FuzzResponse>;
  from: number;
  requests: number;
  concurrency: number;
  /** Kinds of failure kept with their first request (the counts cover all of them). */
  keepFailures?: number;
  onProgress?: (done: number) => void;
}

export async function drive(options: DriveOptions): Promise<Tally> {
  const tally: Tally = {
    requests: 0,
    byClass: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, other: 0 },
    serverErrors: 0,
    soapClientFaults: 0,
    violations: 0,
    operations: new Map(),
    failures: [],
    failureKinds: new Map(),
    seconds: 0,
  };
  const keep = options.keepFailures ?? 50;
  // What a connection answered before a failure can be what left it broken: the report names it by its index.
  const indexes = new WeakMap<FuzzRequest, number>();
  const started = performance.now();
  let next = options.from;
  const end = options.from + options.requests;
  const worker = async () => {
    while (next < end) {
      const index = next;
      next += 1;
      const request = options.generator.request(index);
      indexes.set(request, index);
      let response: FuzzResponse | undefined;
      let verdict: { serverError: boolean; problems: string[] };
      try {
        response = await options.send(request);
        verdict = options.checker.check(request, response);
      } catch (error) {
        verdict = { serverError: true, problems: [`no answer: ${(error as Error).message}`] };
      }
      tally.requests += 1;
      const status = response?.status;
      const statusClass = status !== undefined && status >= 200 && status < 600 ? (`${String(status)[0]}xx` as keyof Tally["byClass"]) : "other";
      tally.byClass[statusClass] += 1;
      if (verdict.serverError) tally.serverErrors += 1;
      else if (request.face === "soap" && status === 500) tally.soapClientFaults += 1;
      if (verdict.problems.length > 0) tally.violations += 1;
      const counts = tally.operations.get(request.operation) ?? { sent: 0, ok: 0 };
      counts.sent += 1;
      if (status !== undefined && status >= 200 && status < 300) counts.ok += 1;
      tally.operations.set(request.operation, counts);
      if (verdict.serverError || verdict.problems.length > 0) {
        const problems = verdict.serverError ? ["server error", ...verdict.problems] : verdict.problems;
        const kind = failureKind(request, status, problems);
        const seen = tally.failureKinds.get(kind) ?? 0;
        tally.failureKinds.set(kind, seen + 1);
        if (seen === 0 && tally.failures.length < keep) {
          const body = response?.body.toString("utf8").slice(0, 1500) ?? "";
          const failure: Failure = { index, request, status, problems, body };
          if (response?.connection) {
            const { id, previous } = response.connection;
            failure.connection = { id, ...(previous ? { previous: { index: indexes.get(previous), request: previous } } : {}) };
          }
          tally.failures.push(failure);
        }
      }
      if (tally.requests % 1000 === 0) options.onProgress?.(tally.requests);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}

/** Failures that are one bug: the same operation, status and problem once the values in it are left out. */
export function failureKind(request: FuzzRequest, status: number | undefined, problems: string[]): string {
  const problem = (problems[1] ?? problems[0] ?? "").split("\n")[0]?.replace(/"[^"]*"|\d+/g, "#").slice(0, 160);
  return `${request.operation} → ${status ?? "no answer"}: ${problem}`;
}

/** A failure as the report prints it: how to replay it, the request, what was wrong and the answer. */
export function describeFailure(failure: Failure, seed: number): string {
  const lines = [
    `request ${failure.index} of seed ${seed} (replay: npm run fuzz -- --seed ${seed} --from ${failure.index} --requests 1): ${failure.request.operation}`,
    describeRequest(failure.request).replace(/^/gm, "    "),
    `  → ${failure.status ?? "no answer"}: ${failure.problems.join("; ")}`,
    `    ${failure.body.replace(/\n/g, "\n    ")}`,
  ];
  const connection = failure.connection;
  if (connection) {
    const previous = connection.previous;
    if (!previous) lines.push(`  on connection ${connection.id}, its first request`);
    else {
      const which = previous.index === undefined ? `a setup request (${previous.request.operation})` : `request ${previous.index}`;
      lines.push(`  on connection ${connection.id}, after ${which}:`, describeRequest(previous.request).replace(/^/gm, "    "));
    }
  }
  return lines.join("\n");
}
