// Adds lockfile entries for platform-specific optional packages (e.g. @swc/core-darwin-arm64) that the npm
// registry mirror of this build machine does not carry. Without them `npm install` writes a lockfile that
// `npm ci` then rejects ("Missing: … from lock file"). Each entry records the platform it is for (os and cpu,
// and libc where the name says), so npm skips it everywhere else; an entry with a cpu but no os would be
// fetched on every system with that cpu, so a name whose system is not recognised stops the script instead.
// Run after changing dependencies: npm run lock:complete
import { readFileSync, writeFileSync } from "node:fs";

const FILE = "package-lock.json";
// process.platform values.
const OPERATING_SYSTEMS = ["darwin", "linux", "win32", "freebsd", "android", "openbsd", "sunos", "aix", "netbsd", "openharmony", "haiku", "cygwin"];
const CPUS = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "riscv64", "loong64", "wasm32"];

const lock = JSON.parse(readFileSync(FILE, "utf8"));
const unrecognised = [];
let written = 0;
for (const meta of Object.values(lock.packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    // An entry with an integrity hash was resolved by npm from the registry; only this script's own entries are rewritten.
    if (lock.packages[key]?.integrity) continue;
    const words = name.split("/").pop().split("-");
    const os = OPERATING_SYSTEMS.filter((system) => words.includes(system));
    const cpu = CPUS.filter((arch) => words.includes(arch));
    // wasm32 builds run on any system.
    if (os.length === 0 && !cpu.includes("wasm32")) {
      unrecognised.push(name);
      continue;
    }
    const libc = words.some((word) => word.startsWith("musl")) ? ["musl"] : words.some((word) => word.startsWith("gnu")) ? ["glibc"] : [];
    const previous = lock.packages[key] ?? {};
    // npm's own key order (version, then alphabetical), so a re-run after `npm install` leaves no diff.
    lock.packages[key] = {
      version: range.replace(/^[\^~=]/, ""),
      ...(cpu.length ? { cpu } : {}),
      ...(previous.dev ? { dev: true } : {}),
      ...(libc.length ? { libc } : {}),
      optional: true,
      ...(os.length ? { os } : {}),
    };
    written += 1;
  }
}
if (unrecognised.length > 0) {
  console.error(`package-lock.json left unchanged: no operating system recognised in ${unrecognised.join(", ")}; add it to OPERATING_SYSTEMS`);
  process.exit(1);
}
writeFileSync(FILE, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${written} platform-specific optional entr${written === 1 ? "y" : "ies"} written`);
