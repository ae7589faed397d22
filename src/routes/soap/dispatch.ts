import type { ApplicationCaller } from "../../auth/caller.js";
import { isGranted } from "../../auth/magento-api.js";
import { ApiError } from "../../errors.js";
import { ApiFaults, GLOBAL_FAULTS, RESOURCE_FAULTS } from "../../magento/index.js";
import { OPERATIONS, requestOperation, v1ArgumentNames, type OperationSpec } from "../../soap/contract.js";
import { decodeEncoded, encodeEncoded, ENCODED_NAMESPACES, type SoapValue } from "../../soap/encoded.js";
import { renderEnvelope, SoapRequestError, type SoapEnvelope } from "../../soap/envelope.js";
import { NS } from "../../soap/namespaces.js";
import { decodeTypedArgs, encodeTypedResult, UnknownOperationError, type TypedDialect } from "../../soap/typed.js";
import type { XmlElement } from "../../soap/xml/tree.js";
import type { Args } from "./arguments.js";
import { METHODS, type MethodContext } from "./methods.js";

/**
 * One SOAP request, decoded by its dialect, run, and answered as a response document. Dispatch is on the first
 * element of the Body, never on SOAPAction: V1 and V2 clients send one action for every operation, WS-I an empty one.
 */

/** Who a session belongs to. */
export interface SoapSession {
  readonly tenantId: number;
  readonly username: string;
  readonly resources: readonly string[];
}

/** What a request needs of the process: sessions and the services' context, supplied by the route plugin. */
export interface SoapEnvironment {
  /** A new session id; fault 2 for a wrong user or key. */
  login(username: string, apiKey: string): Promise<string>;
  endSession(sessionId: string): Promise<boolean>;
  /** The live session; fault 5 otherwise. */
  session(sessionId: string): Promise<SoapSession>;
  context(caller: ApplicationCaller, filterForm: MethodContext["filterForm"]): MethodContext;
}

/** The operation element's parts: by the WSDL's part names, or in order for clients that number them. */
function part(operation: XmlElement, name: string, index: number): XmlElement | undefined {
  return operation.children.find((element) => element.local === name) ?? operation.children[index];
}

function stringPart(operation: XmlElement, scope: XmlElement, name: string, index: number): string {
  const element = part(operation, name, index);
  const value = element === undefined ? undefined : decodeEncoded(element, scope);
  if (value === undefined || value === null || value === "") throw ApiFaults.missingParameter(name);
  if (typeof value !== "string" && typeof value !== "number") throw new SoapRequestError(`${name} must be a string`);
  return String(value);
}

/** The caller a session's calls run as; its role's grants are checked per method (acl), not as REST behaviors. */
function callerOf(session: SoapSession): ApplicationCaller {
  return { kind: "application", tenantId: session.tenantId, clientId: `magento-api:${session.username}`, behaviors: new Set() };
}

async function runMethod(environment: SoapEnvironment, session: SoapSession, spec: OperationSpec, args: Args, filterForm: "v1" | "v2") {
  const method = METHODS[spec.name as keyof typeof METHODS];
  if (!isGranted(session.resources, method.acl)) throw ApiFaults.accessDenied({ resource: method.acl });
  return method.run(environment.context(callerOf(session), filterForm), args);
}

// ---- V1 ----------------------------------------------------------------------------------------------------------

/** `resource.method` paths, by Magento's resource name and by its alias (storecredit.balance, order_creditmemo.info). */
const V1_PATHS = new Map<string, OperationSpec>(
  OPERATIONS.flatMap((spec) => (spec.v1 ? [[`${spec.v1.resource}.${spec.v1.method}`, spec], [`${spec.v1.alias}.${spec.v1.method}`, spec]] : [])) as [
    string,
    OperationSpec,
  ][],
);

function v1Spec(path: string): OperationSpec {
  const spec = V1_PATHS.get(path);
  if (!spec) throw ApiFaults.invalidApiPath(path);
  return spec;
}

/**
 * `call`'s args as the method's named arguments. Magento spreads an array into the method's parameters and passes
 * anything else as the only one. An associative array is spread by position as PHP did, except that for a method of
 * one parameter it is that parameter (`call($s, 'order_creditmemo.list', array('state' => '2'))`, a common slip).
 */
function v1Args(spec: OperationSpec, args: SoapValue | undefined): Args {
  const names = v1ArgumentNames(spec);
  if (args === undefined || args === null) return {};
  let values: SoapValue[];
  if (Array.isArray(args)) values = args;
  else if (typeof args === "object") {
    const keys = Object.keys(args);
    if (keys.length > 0 && keys.every((key) => names.includes(key))) return args;
    values = names.length === 1 ? [args] : Object.values(args);
  } else values = [args];
  return Object.fromEntries(values.slice(0, names.length).map((value, index) => [names[index], value]));
}

async function v1Call(environment: SoapEnvironment, session: SoapSession, path: string, args: SoapValue | undefined): Promise<SoapValue> {
  const spec = v1Spec(path);
  return (await runMethod(environment, session, spec, v1Args(spec, args), "v1")) as SoapValue;
}

/** A fault inside multiCall, as Magento reports it there: in the result list, not as a SOAP fault. */
function faultAsValue(error: unknown): SoapValue {
  if (!(error instanceof ApiError)) throw error;
  const code = error.additionalErrorData.find((datum) => datum.name === "faultCode")?.value;
  if (code === undefined) throw error;
  return { isFault: true, faultCode: String(code), faultMessage: error.message };
}

const RESOURCE_TITLES: Readonly<Record<string, string>> = {
  enterprise_customerbalance: "Customer Balance API",
  sales_order_creditmemo: "Credit memo API",
};

/** `resources`: what the session's role may call, in Magento's shape. */
function grantedResources(session: SoapSession): SoapValue {
  const byResource = new Map<string, { alias: string; methods: SoapValue[] }>();
  for (const spec of OPERATIONS) {
    const method = METHODS[spec.name as keyof typeof METHODS];
    if (!spec.v1 || !method || !isGranted(session.resources, method.acl)) continue;
    const entry = byResource.get(spec.v1.resource) ?? { alias: spec.v1.alias, methods: [] };
    entry.methods.push({ title: spec.documentation, name: spec.v1.method, path: `${spec.v1.resource}.${spec.v1.method}`, aliases: [] });
    byResource.set(spec.v1.resource, entry);
  }
  return [...byResource].map(([name, { alias, methods }]) => ({
    title: RESOURCE_TITLES[name] ?? name,
    name,
    aliases: [alias],
    methods,
  }));
}

function faultList(kinds: readonly { faultCode: number; faultMessage: string }[]): SoapValue {
  return kinds.map((kind) => ({ faultCode: String(kind.faultCode), faultMessage: kind.faultMessage }));
}

/** V1 (`/api/soap/`): Mage_Api's generic operations, results in SOAP section-5 encoding. */
export async function dispatchV1(environment: SoapEnvironment, envelope: SoapEnvelope): Promise<string> {
  const { operation, body } = envelope;
  if (operation.ns !== NS.magento && operation.ns !== "") {
    throw new SoapRequestError(`operation <${operation.local}> is not in namespace ${NS.magento}`);
  }
  const str = (name: string, index: number) => stringPart(operation, body, name, index);
  const value = (name: string, index: number) => {
    const element = part(operation, name, index);
    return element === undefined ? undefined : decodeEncoded(element, body);
  };
  const session = async (index: number) => environment.session(str("sessionId", index));
  let result: SoapValue;
  switch (operation.local) {
    case "login":
      result = await environment.login(str("username", 0), str("apiKey", 1));
      break;
    case "startSession":
      // Magento's startSession opens an anonymous session that can call nothing; Tally has no anonymous access.
      throw ApiFaults.accessDenied();
    case "endSession":
      result = await environment.endSession(str("sessionId", 0));
      break;
    case "call":
      result = await v1Call(environment, await session(0), str("resourcePath", 1), value("args", 2));
      break;
    case "multiCall": {
      const owner = await session(0);
      const calls = value("calls", 1);
      const options = value("options", 2);
      const stopOnFault = typeof options === "object" && options !== null && !Array.isArray(options) && ["1", 1, true].includes(options["break"] as never);
      if (!Array.isArray(calls)) throw ApiFaults.missingParameter("calls");
      const results: SoapValue[] = [];
      for (const entry of calls) {
        try {
          const [path, args] = Array.isArray(entry) ? entry : [entry];
          if (typeof path !== "string") throw ApiFaults.invalidApiPath(String(path));
          results.push(await v1Call(environment, owner, path, args));
        } catch (error) {
          results.push(faultAsValue(error));
          if (stopOnFault) break;
        }
      }
      result = results;
      break;
    }
    case "resources":
      result = grantedResources(await session(0));
      break;
    case "globalFaults":
      await session(0);
      result = faultList(GLOBAL_FAULTS);
      break;
    case "resourceFaults": {
      // Magento's order of parts: the resource's name, then the session.
      const name = str("resourceName", 0);
      await session(1);
      const resource = [...V1_PATHS.values()].find((spec) => spec.v1?.resource === name || spec.v1?.alias === name)?.v1?.resource;
      if (!resource) throw ApiFaults.invalidApiPath(name);
      result = faultList(RESOURCE_FAULTS[resource] ?? []);
      break;
    }
    default:
      throw new SoapRequestError(`SOAP V1 has no operation "${operation.local}"`);
  }
  const response = `<ns1:${operation.local}Response xmlns:ns1="${NS.magento}">${encodeEncoded(`${operation.local}Return`, result)}</ns1:${operation.local}Response>`;
  return renderEnvelope(response, ENCODED_NAMESPACES);
}

// ---- V2 and WS-I ------------------------------------------------------------------------------------------------

/** V2 (`/api/v2_soap/`): one typed operation per method, rpc/encoded, or document/literal in WS-I mode. */
export async function dispatchTyped(environment: SoapEnvironment, dialect: TypedDialect, envelope: SoapEnvelope): Promise<string> {
  const { operation, body } = envelope;
  const spec = requestOperation(dialect, operation.local);
  if (!spec || (operation.ns !== NS.magento && !(dialect === "v2" && operation.ns === ""))) {
    throw new UnknownOperationError(operation.local, dialect);
  }
  const args = decodeTypedArgs(dialect, spec.name, operation, body);
  const text = (name: string): string => {
    const value = args[name];
    if (value === undefined || value === "") throw ApiFaults.missingParameter(name);
    if (typeof value !== "string") throw new SoapRequestError(`${name} must be a string`);
    return value;
  };
  let result: unknown;
  switch (spec.name) {
    case "login":
      result = await environment.login(text("username"), text("apiKey"));
      break;
    case "endSession":
      result = await environment.endSession(text("sessionId"));
      break;
    default:
      result = await runMethod(environment, await environment.session(text("sessionId")), spec, args, "v2");
  }
  const { body: response, namespaces } = encodeTypedResult(dialect, spec.name, result);
  return renderEnvelope(response, namespaces);
}
