import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * PHP's own SoapClient as a test client of Tally's SOAP faces: detecting php-cli with the soap extension, running a
 * script, and reading back what PHP decoded with PHP's types intact (var_dump-level detail as JSON).
 */

const PHP = "php";
/** Every run: no WSDL cache (a stale WSDL in /tmp would hide changes), and a bounded wait on the app. */
const BASE_INI: Readonly<Record<string, string>> = {
  "soap.wsdl_cache_enabled": "0",
  default_socket_timeout: "20",
  error_reporting: "E_ALL",
  // Warnings and notices on stderr, once, so stdout is only what the script prints.
  display_errors: "stderr",
  log_errors: "0",
};
const RUN_TIMEOUT_MS = 60_000;

const inCi = Boolean(process.env["CI"]) && process.env["CI"] !== "false";

let detected: { available: boolean; reason: string } | undefined;

/** Whether `php -m` runs and lists the soap extension; why not, when it does not. Checked once per file. */
export function phpWithSoap(): { available: boolean; reason: string } {
  if (!detected) {
    const result = spawnSync(PHP, ["-m"], { encoding: "utf8", timeout: 10_000 });
    if (result.error || result.status !== 0) {
      detected = { available: false, reason: `\`${PHP} -m\` failed (${result.error?.message ?? `exit ${String(result.status)}`})` };
    } else if (!result.stdout.split("\n").some((line) => line.trim().toLowerCase() === "soap")) {
      detected = { available: false, reason: `PHP has no soap extension (\`${PHP} -m\` does not list it)` };
    } else {
      detected = { available: true, reason: "" };
    }
  }
  return detected;
}

const INSTALL_HINT = "install them with: apt-get install -y --no-install-recommends php-cli php-soap";

/**
 * `describe` for suites driving PHP's SoapClient. Without php-cli and php-soap the suite is skipped with a warning,
 * except in CI (CI set and not "false"), where it runs and fails in beforeAll: CI must never skip it silently.
 */
export function describeWithPhp(name: string, fn: () => void): void {
  const { available, reason } = phpWithSoap();
  if (available) {
    describe(name, fn);
  } else if (inCi) {
    describe(name, () => {
      beforeAll(() => {
        throw new Error(`${reason}: CI must install php-cli and php-soap (${INSTALL_HINT})`);
      });
      fn();
    });
  } else {
    // eslint-disable-next-line no-console -- a skipped suite should say why and how to run it
    console.warn(`Skipping "${name}": ${reason}; ${INSTALL_HINT}`);
    describe.skip(name, fn);
  }
}

export interface PhpRun {
  stdout: string;
  stderr: string;
  /** The exit code; null when PHP was killed (timeout). */
  code: number | null;
}

export interface PhpOptions {
  /** More `-d name=value` settings, e.g. auto_prepend_file / auto_append_file. */
  ini?: Readonly<Record<string, string>>;
}

/**
 * Runs a PHP script (starting with `<?php`) fed on stdin, with `env` as its whole environment besides PATH: nothing
 * of the test process's environment (proxies, credentials) reaches it.
 */
export function runPhp(script: string, env: Readonly<Record<string, string>> = {}, options: PhpOptions = {}): Promise<PhpRun> {
  const ini = { ...BASE_INI, ...options.ini };
  const args = Object.entries(ini).flatMap(([name, value]) => ["-d", `${name}=${value}`]);
  return new Promise((resolve, reject) => {
    const child = spawn(PHP, args, {
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...env },
      stdio: ["pipe", "pipe", "pipe"],
      timeout: RUN_TIMEOUT_MS,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8"), code });
    });
    child.stdin.end(script);
  });
}

/**
 * PHP functions that print values as JSON keeping what json_encode loses: a PHP array that is not a list is
 * `{"__array": {...}}` (a list stays a JSON list, so PHP array vs stdClass vs list all show), an object is
 * `{"__class": "stdClass", ...properties}`, a float `{"__float": n}` (a JSON number is a PHP int), a SoapFault
 * `{"__fault": {"faultcode", "faultstring"}}` as PHP's SoapFault exposes them. Strings, ints, booleans and null are
 * themselves. Keys keep PHP's order in the JSON text; JSON.parse moves integer-like keys first, as JavaScript does.
 *
 * - `typed($v)`: the value in that form; `dump_typed($v)`: prints it as one JSON line.
 * - `attempt(fn)`: fn's result, or the SoapFault it threw.
 * - `report(array('name' => $value, ...))`: prints the named values as one JSON object line (runTypedPhp reads it).
 */
export const PHP_TYPED_JSON = String.raw`
function typed($v) {
  if ($v instanceof SoapFault) {
    return (object)array('__fault' => (object)array('faultcode' => $v->faultcode, 'faultstring' => $v->faultstring));
  }
  if (is_array($v)) return array_is_list($v) ? array_map('typed', $v) : (object)array('__array' => typed_members($v));
  if (is_object($v)) return (object)(array('__class' => get_class($v)) + (array)typed_members(get_object_vars($v)));
  if (is_float($v)) return (object)array('__float' => $v);
  return $v;
}
function typed_members(array $members) {
  $object = new stdClass;
  foreach ($members as $key => $value) $object->{$key} = typed($value);
  return $object;
}
function typed_json($v) {
  return json_encode(typed($v), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR);
}
function dump_typed($v) { echo typed_json($v), "\n"; }
function attempt(callable $call) {
  try { return $call(); } catch (SoapFault $fault) { return $fault; }
}
function report(array $named) {
  echo json_encode(typed_members($named), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR), "\n";
}
`;

let typedJsonFile: string | undefined;

/**
 * A file defining PHP_TYPED_JSON's functions, for `ini: { auto_prepend_file }`: scripts that must stay as they are
 * (Magento's examples) get dump_typed without an edit. Written once per test file's process, in the OS temp dir.
 */
export function typedJsonPrependFile(): string {
  if (!typedJsonFile) {
    typedJsonFile = path.join(mkdtempSync(path.join(tmpdir(), "tally-php-")), "typed-json.php");
    writeFileSync(typedJsonFile, `<?php\n${PHP_TYPED_JSON}`);
  }
  return typedJsonFile;
}

/** A value as PHP_TYPED_JSON prints it. */
export type PhpValue = null | boolean | number | string | PhpValue[] | PhpArray | PhpObject | PhpFloat | PhpFault;
export interface PhpArray {
  __array: { [key: string]: PhpValue };
}
export interface PhpObject {
  __class: string;
  [property: string]: PhpValue;
}
export interface PhpFloat {
  __float: number;
}
export interface PhpFault {
  __fault: { faultcode: string; faultstring: string };
}

/** The expected form of a PHP associative array. */
export const phpArray = (members: { [key: string]: PhpValue }): PhpArray => ({ __array: members });
/** The expected form of a stdClass object. */
export const stdClass = (properties: { [property: string]: PhpValue }): PhpObject => ({ __class: "stdClass", ...properties });
/** The expected form of a SoapFault: Magento's code is PHP's `faultcode`, a string. */
export const soapFault = (faultcode: string | number, faultstring: string): PhpFault => ({
  __fault: { faultcode: String(faultcode), faultstring },
});

/** The members of a PHP associative array; throws (showing the value) for anything else. */
export function membersOf(value: PhpValue | undefined): { [key: string]: PhpValue } {
  if (typeof value === "object" && value !== null && "__array" in value && !("__class" in value)) return (value as PhpArray).__array;
  throw new Error(`expected a PHP associative array, got ${JSON.stringify(value)}`);
}

/** The properties of a PHP object of any class (without `__class`); throws for anything else. */
export function propertiesOf(value: PhpValue | undefined): { [property: string]: PhpValue } {
  if (typeof value === "object" && value !== null && "__class" in value) {
    return Object.fromEntries(Object.entries(value as PhpObject).filter(([property]) => property !== "__class"));
  }
  throw new Error(`expected a PHP object, got ${JSON.stringify(value)}`);
}

/** A PHP list; throws for anything else. */
export function listOf(value: PhpValue | undefined): PhpValue[] {
  if (Array.isArray(value)) return value;
  throw new Error(`expected a PHP list, got ${JSON.stringify(value)}`);
}

/**
 * Runs `body` (PHP statements, no `<?php`) after PHP_TYPED_JSON and returns what its last `report(...)` printed.
 * Fails when PHP exits non-zero or writes anything to stderr (a warning is a decode problem worth seeing).
 */
export async function runTypedPhp(body: string, env: Readonly<Record<string, string>> = {}): Promise<Record<string, PhpValue>> {
  const run = await runPhp(`<?php\n${PHP_TYPED_JSON}\n${body}\n`, env);
  const lines = run.stdout.trimEnd().split("\n");
  if (run.code !== 0 || run.stderr !== "") {
    throw new Error(`PHP exited ${String(run.code)}\n--- stderr\n${run.stderr}\n--- stdout\n${run.stdout}`);
  }
  try {
    return JSON.parse(lines.at(-1) ?? "") as Record<string, PhpValue>;
  } catch {
    throw new Error(`PHP printed no report(...) line\n--- stdout\n${run.stdout}`);
  }
}
