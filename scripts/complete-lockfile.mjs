// Adds lockfile entries for platform-specific optional packages (e.g. @swc/core-darwin-arm64) that the npm
// registry mirror of this build machine does not carry. Without them `npm install` writes a lockfile that
// `npm ci` then rejects ("Missing: … from lock file"). Each entry records the platform it is for, so npm skips
// it everywhere else. Run after changing dependencies: npm run lock:complete
import { readFileSync, writeFileSync } from "node:fs";

const FILE = "package-lock.json";
const OPERATING_SYSTEMS = ["darwin", "linux", "win32", "freebsd", "android", "openbsd", "sunos", "aix", "netbsd"];
const CPUS = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "riscv64", "loong64", "wasm32"];

const lock = JSON.parse(readFileSync(FILE, "utf8"));
let added = 0;
for (const meta of Object.values(lock.packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const words = name.split("/").pop().split("-");
    const os = OPERATING_SYSTEMS.filter((system) => words.includes(system));
    const cpu = CPUS.filter((arch) => words.includes(arch));
    lock.packages[key] = { version: range.replace(/^[\^~=]/, ""), optional: true, ...(os.length ? { os } : {}), ...(cpu.length ? { cpu } : {}) };
    added += 1;
  }
}
writeFileSync(FILE, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform-specific optional entr${added === 1 ? "y" : "ies"} added`);
