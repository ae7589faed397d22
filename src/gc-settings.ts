import { setFlagsFromString } from "node:v8";

/**
 * V8's allocation-site pretenuring off, for the server process only; imported first by server.ts, before the code
 * whose allocations it would judge. Pretenuring moves an allocation site to old space once most of its objects are
 * seen surviving a scavenge. Under a list load it picked node-postgres's row objects, which live for one request; in
 * old space they are garbage only a full collection frees, and until then they keep their young field strings alive
 * through the remembered set, so those are promoted too: after a minute of the credits list old space held 160-180
 * MB (60 MB live) and the process 343-371 MB RSS, against 67-83 MB and 250-275 MB with the flag, at the same req/s
 * (measured with wrk, see README's Performance → Memory). A flag V8 reads at every scavenge, so it takes effect set
 * here rather than on the command line, for every way the server is started.
 */
setFlagsFromString("--no-allocation-site-pretenuring");

/*
 * Old space may grow to 1.6x what the last full collection left live before the next one. Left to itself V8 derives
 * the factor from its allocation and marking speeds, up to about 2.5x here, so the 65-70 MB live after a list load
 * let old space reach 200 MB: RSS then rose with the request rate, to 258 MB at 3,900 req/s. With 60, the same load at
 * 4,600 req/s ended at 171 MB with p99 unchanged (README, Performance); 30 held RSS too but collected four times as
 * often and raised (b)'s p99 by a third. NODE_OPTIONS refuses the flag, so it is set here; one given on the command
 * line (`node --heap-growing-percent=N dist/server.js`) is kept.
 */
if (!process.execArgv.some((arg) => arg.startsWith("--heap-growing-percent"))) setFlagsFromString("--heap-growing-percent=60");
