import { Random } from "./random.js";
import type { FuzzContext, FuzzRequest } from "./request.js";
import { RestGenerator, unroutedRequest } from "./rest.js";
import { SoapGenerator } from "./soap.js";

/**
 * The fuzzer's request stream: pure (no Fastify, no database), so `npm run fuzz` against a production process and the
 * seeded run in `npm test` against the in-process app send the same requests for the same seed. Request `index` of
 * seed `seed` depends on nothing else, so one failing request is replayed alone with `--seed S --from index --requests 1`.
 */

export interface FuzzSources {
  /** openapi/openapi.json: every REST operation and the loyalty API's `/api.php`. */
  openapi: { paths: Record<string, Record<string, unknown>> };
  /** The WSDLs Tally serves at /api/soap/?wsdl and /api/v2_soap/?wsdl (V2, and WS-I with MAGENTO_SOAP_WSI=true). */
  v1Wsdl: string;
  v2Wsdl: string;
  wsiWsdl: string;
}

export class FuzzGenerator {
  private readonly rest: RestGenerator;
  private readonly soap: SoapGenerator;

  constructor(
    sources: FuzzSources,
    private readonly context: FuzzContext,
    private readonly seed: number,
  ) {
    this.rest = new RestGenerator(sources.openapi, context);
    this.soap = new SoapGenerator({ v1: sources.v1Wsdl, v2: sources.v2Wsdl, wsi: sources.wsiWsdl }, context);
  }

  /** Every operation the stream covers, as counted in FuzzRequest.operation (the REST and loyalty ones). */
  operations(): string[] {
    return this.rest.operations.map((operation) => `${operation.method} ${operation.path}`);
  }

  /** SOAP operation names per dialect, from the WSDLs. */
  soapOperations(): { v1: string[]; v2: string[]; wsi: string[] } {
    return this.soap.operationNames();
  }

  request(index: number): FuzzRequest {
    const random = new Random(mix(this.seed, index));
    const share = random.next();
    if (share < 0.75) return this.rest.request(random, random.pick(this.rest.operations));
    if (share < 0.96) return this.soap.request(random);
    return unroutedRequest(random, this.context);
  }
}

/** One 32-bit seed from the run's seed and a request's index (splitmix-style), so neighbouring indexes are unrelated. */
function mix(seed: number, index: number): number {
  let value = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  value = Math.imul(value ^ (value >>> 16), 0x85ebca6b) >>> 0;
  value = Math.imul(value ^ (value >>> 13), 0xc2b2ae35) >>> 0;
  return (value ^ (value >>> 16)) >>> 0;
}
