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
