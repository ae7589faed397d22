/** What the benchmarks share: where their throwaway database lives, and reading their numeric flags. */

/**
 * The benchmark's database: BENCH_DATABASE_URL as given, else `name` on the server of DATABASE_URL, else on the
 * local PostgreSQL. DATABASE_URL may name a database someone cares about: only its server is borrowed.
 */
export function benchDatabaseUrl(name: string): string {
  const explicit = process.env["BENCH_DATABASE_URL"];
  if (explicit) return explicit;
  return withDatabase(process.env["DATABASE_URL"] || "postgresql://postgres@127.0.0.1:5432/postgres", name);
}

/** The same server, another database (the maintenance database `postgres` to create and drop the benchmark's). */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A flag that must be a positive integer. */
export function positiveFlag(flags: Readonly<Record<string, unknown>>, name: string): number {
  const value = Number(flags[name]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${String(flags[name])}`);
  return value;
}

/** Runs a setup step and prints how long it took. */
export async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`  ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** A plain-text table with columns as wide as their widest cell. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(line(header));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of rows) console.log(line(row));
}
