import {
  CREDITMEMO_COMMENT_FIELDS,
  CREDITMEMO_COMMENT_WSDL_ORDER,
  CREDITMEMO_FIELDS,
  CREDITMEMO_ITEM_FIELDS,
  CREDITMEMO_ITEM_WSDL_ORDER,
  CREDITMEMO_WSDL_ORDER,
  inWsdlOrder,
} from "../magento/index.js";

/**
 * Tally's Magento SOAP contract, the one table the V2 and WS-I WSDLs and the typed codec are built from (and the
 * V1 docs list). Names are Magento's: clients generated from Magento's own WSDLs must find theirs here.
 */

/** The XML Schema built-in types the contract uses. */
export type ScalarType = "xsd:string" | "xsd:int" | "xsd:double" | "xsd:boolean";

export type StructName =
  | "salesOrderCreditmemoEntity"
  | "salesOrderCreditmemoItemEntity"
  | "salesOrderCreditmemoCommentEntity"
  | "salesOrderCreditmemoData"
  | "orderItemIdQty"
  | "filters"
  | "associativeEntity"
  | "complexFilter"
  | "enterpriseCustomerbalanceHistoryItemEntity";

export type ArrayName =
  | "salesOrderCreditmemoEntityArray"
  | "salesOrderCreditmemoItemEntityArray"
  | "salesOrderCreditmemoCommentEntityArray"
  | "orderItemIdQtyArray"
  | "associativeArray"
  | "complexFilterArray"
  | "enterpriseCustomerbalanceHistoryItemEntityArray";

/** A scalar, or a complex type of the `urn:Magento` schema. */
export type TypeRef = ScalarType | StructName | ArrayName;

/** A struct field or an operation parameter. `optional` is minOccurs="0" in WS-I. */
export interface ElementSpec {
  readonly name: string;
  readonly type: TypeRef;
  readonly optional: boolean;
}

export interface StructType {
  readonly kind: "struct";
  readonly fields: readonly ElementSpec[];
}

/** A list: a SOAP-ENC array in V2, a sequence of `complexObjectArray` elements in WS-I. */
export interface ArrayType {
  readonly kind: "array";
  readonly item: StructName;
}

export type ComplexType = StructType | ArrayType;

const required = (name: string, type: TypeRef): ElementSpec => ({ name, type, optional: false });
const optional = (name: string, type: TypeRef): ElementSpec => ({ name, type, optional: true });

/** Every entity property is a string that may be missing: PHP drops nulls, so Magento's WSDLs make all of them optional. */
const strings = (names: readonly string[]): ElementSpec[] => names.map((name) => optional(name, "xsd:string"));
const namesOf = (fields: readonly { name: string }[]): string[] => fields.map(({ name }) => name);
const ordered = (fields: readonly { name: string }[], wsdlOrder: readonly string[]): string[] => {
  const { declared, extra } = inWsdlOrder(namesOf(fields), wsdlOrder);
  return [...declared, ...extra];
};
const MEMO_NAMES = inWsdlOrder(namesOf(CREDITMEMO_FIELDS), CREDITMEMO_WSDL_ORDER);

const struct = (...fields: ElementSpec[]): StructType => ({ kind: "struct", fields });
const list = (item: StructName): ArrayType => ({ kind: "array", item });

/**
 * The keys `serializeHistoryEntry` writes, in its order. Listed rather than imported because that function is a
 * service's and src/soap stays pure; test/unit/soap/wsdl.test.ts holds the two together.
 */
const HISTORY_ENTRY_KEYS = [
  "history_id",
  "balance_id",
  "updated_at",
  "action",
  "balance_amount",
  "balance_delta",
  "additional_info",
  "is_customer_notified",
  "customer_id",
  "website_id",
  "base_currency_code",
];

/**
 * The complex types, in the WSDLs' order. The credit memo entities have every name of src/magento's field tables
 * (the response example's extra names included) in the order Magento's own WSDLs declare them, so a client compiled
 * from Magento's wsi.xml that holds to sequence order reads every property; PHP decodes by name either way.
 */
export const COMPLEX_TYPES: Readonly<Record<StructName | ArrayName, ComplexType>> = {
  associativeEntity: struct(required("key", "xsd:string"), required("value", "xsd:string")),
  associativeArray: list("associativeEntity"),
  complexFilter: struct(required("key", "xsd:string"), required("value", "associativeEntity")),
  complexFilterArray: list("complexFilter"),
  filters: struct(optional("filter", "associativeArray"), optional("complex_filter", "complexFilterArray")),
  orderItemIdQty: struct(required("order_item_id", "xsd:int"), required("qty", "xsd:double")),
  orderItemIdQtyArray: list("orderItemIdQty"),
  salesOrderCreditmemoEntity: struct(
    ...strings(MEMO_NAMES.declared),
    optional("items", "salesOrderCreditmemoItemEntityArray"),
    optional("comments", "salesOrderCreditmemoCommentEntityArray"),
    // The response example's names Magento's WSDL lacks come last, where a strict sequence reader ignores them.
    ...strings(MEMO_NAMES.extra),
  ),
  salesOrderCreditmemoEntityArray: list("salesOrderCreditmemoEntity"),
  salesOrderCreditmemoItemEntity: struct(...strings(ordered(CREDITMEMO_ITEM_FIELDS, CREDITMEMO_ITEM_WSDL_ORDER))),
  salesOrderCreditmemoItemEntityArray: list("salesOrderCreditmemoItemEntity"),
  salesOrderCreditmemoCommentEntity: struct(...strings(ordered(CREDITMEMO_COMMENT_FIELDS, CREDITMEMO_COMMENT_WSDL_ORDER))),
  salesOrderCreditmemoCommentEntityArray: list("salesOrderCreditmemoCommentEntity"),
  salesOrderCreditmemoData: struct(
    optional("qtys", "orderItemIdQtyArray"),
    optional("shipping_amount", "xsd:double"),
    optional("adjustment_positive", "xsd:double"),
    optional("adjustment_negative", "xsd:double"),
  ),
  enterpriseCustomerbalanceHistoryItemEntity: struct(...strings(HISTORY_ENTRY_KEYS)),
  enterpriseCustomerbalanceHistoryItemEntityArray: list("enterpriseCustomerbalanceHistoryItemEntity"),
};

export type OperationName =
  | "login"
  | "endSession"
  | "enterpriseCustomerbalanceBalance"
  | "enterpriseCustomerbalanceHistory"
  | "salesOrderCreditmemoList"
  | "salesOrderCreditmemoInfo"
  | "salesOrderCreditmemoCreate"
  | "salesOrderCreditmemoAddComment"
  | "salesOrderCreditmemoCancel";

/** Where a resource operation lives in V1: `call(session, "<alias>.<method>", args)` (or the resource's own name). */
export interface V1Method {
  readonly resource: string;
  readonly alias: string;
  readonly method: string;
}

export interface OperationSpec {
  readonly name: OperationName;
  readonly documentation: string;
  /** In order: V2 message parts, WS-I request fields. */
  readonly params: readonly ElementSpec[];
  readonly result: TypeRef;
  /** Where Magento's wsi.xml declares another result type than its V2 WSDL; precompiled WS-I clients parse that one. */
  readonly wsiResult?: ScalarType;
  /** The V2 (rpc) response part: `loginReturn` for Mage_Api's own operations, `result` for the resources'. */
  readonly v2ResultPart: string;
  /** The WS-I request element: `<name>RequestParam`, but Mage_Api's wsi.xml has `loginParam` and `endSessionParam`. */
  readonly wsiRequestElement: string;
  /** Undefined for the session operations, which V1 has as operations of its own. */
  readonly v1?: V1Method;
}

const session = (name: "login" | "endSession", documentation: string, params: ElementSpec[], result: ScalarType): OperationSpec => ({
  name,
  documentation,
  params,
  result,
  v2ResultPart: `${name}Return`,
  wsiRequestElement: `${name}Param`,
});

const resource = (
  name: OperationName,
  v1: V1Method,
  documentation: string,
  params: ElementSpec[],
  result: TypeRef,
  wsiResult?: ScalarType,
): OperationSpec => ({
  name,
  documentation,
  params: [required("sessionId", "xsd:string"), ...params],
  result,
  ...(wsiResult ? { wsiResult } : {}),
  v2ResultPart: "result",
  wsiRequestElement: `${name}RequestParam`,
  v1,
});

const storecredit = (method: string): V1Method => ({ resource: "enterprise_customerbalance", alias: "storecredit", method });
const creditmemo = (method: string): V1Method => ({ resource: "sales_order_creditmemo", alias: "order_creditmemo", method });

/**
 * The typed operations, in the WSDLs' order. Parameter names are Magento's WSDL part names, which clients send:
 * salesOrderCreditmemoCreate's first one is `orderIncrementId`, as Magento's wsdl.xml and wsi.xml both name it,
 * since WS-I clients send exactly the WSDL's element names. Optional parameters are Magento's wsi.xml
 * minOccurs="0" ones, plus history's websiteId (storecredit.history(customerId, websiteId?)).
 */
export const OPERATIONS: readonly OperationSpec[] = [
  session("login", "Login user and retrieve session id", [required("username", "xsd:string"), required("apiKey", "xsd:string")], "xsd:string"),
  session("endSession", "End web service session", [required("sessionId", "xsd:string")], "xsd:boolean"),
  resource(
    "enterpriseCustomerbalanceBalance",
    storecredit("balance"),
    "Retrieve customer store credit balance amount",
    [required("customerId", "xsd:string"), required("websiteId", "xsd:string")],
    "xsd:string",
  ),
  resource(
    "enterpriseCustomerbalanceHistory",
    storecredit("history"),
    "Retrieve customer store credit balance history",
    [required("customerId", "xsd:string"), optional("websiteId", "xsd:string")],
    "enterpriseCustomerbalanceHistoryItemEntityArray",
  ),
  resource(
    "salesOrderCreditmemoList",
    creditmemo("list"),
    "Retrieve list of creditmemos by filters",
    [optional("filters", "filters")],
    "salesOrderCreditmemoEntityArray",
  ),
  resource(
    "salesOrderCreditmemoInfo",
    creditmemo("info"),
    "Retrieve creditmemo information",
    [required("creditmemoIncrementId", "xsd:string")],
    "salesOrderCreditmemoEntity",
  ),
  resource(
    "salesOrderCreditmemoCreate",
    creditmemo("create"),
    "Create new creditmemo for order",
    [
      required("orderIncrementId", "xsd:string"),
      optional("creditmemoData", "salesOrderCreditmemoData"),
      optional("comment", "xsd:string"),
      optional("notifyCustomer", "xsd:int"),
      optional("includeComment", "xsd:int"),
      optional("refundToStoreCreditAmount", "xsd:string"),
    ],
    "xsd:string",
  ),
  resource(
    "salesOrderCreditmemoAddComment",
    creditmemo("addComment"),
    "Add new comment to creditmemo",
    [
      required("creditmemoIncrementId", "xsd:string"),
      required("comment", "xsd:string"),
      optional("notifyCustomer", "xsd:int"),
      optional("includeComment", "xsd:int"),
    ],
    "xsd:boolean",
    "xsd:int",
  ),
  resource(
    "salesOrderCreditmemoCancel",
    creditmemo("cancel"),
    "Cancel creditmemo",
    [required("creditmemoIncrementId", "xsd:string")],
    "xsd:boolean",
    "xsd:string",
  ),
];

const BY_NAME = new Map<string, OperationSpec>(OPERATIONS.map((spec) => [spec.name, spec]));
const BY_REQUEST_ELEMENT = new Map<string, OperationSpec>(OPERATIONS.map((spec) => [spec.wsiRequestElement, spec]));

/** The operation of that name; undefined for anything else (names are case-sensitive, as PHP's SoapServer has them). */
export function findOperation(name: string): OperationSpec | undefined {
  return BY_NAME.get(name);
}

/**
 * The operation a request's first Body element names: V2 (rpc) names the operation itself, WS-I its request element
 * (`salesOrderCreditmemoInfoRequestParam`, `loginParam`).
 */
export function requestOperation(dialect: "v2" | "wsi", element: string): OperationSpec | undefined {
  return dialect === "v2" ? BY_NAME.get(element) : BY_REQUEST_ELEMENT.get(element);
}

/** The result type a dialect declares for the operation. */
export function resultType(dialect: "v2" | "wsi", spec: OperationSpec): TypeRef {
  return dialect === "wsi" ? (spec.wsiResult ?? spec.result) : spec.result;
}

/** The parameters a V1 `call` takes for the operation: all but the session id, in order. */
export function v1ArgumentNames(spec: OperationSpec): string[] {
  return spec.params.filter((param) => param.name !== "sessionId").map((param) => param.name);
}

export function isScalar(type: TypeRef): type is ScalarType {
  return type.startsWith("xsd:");
}
