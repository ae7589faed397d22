/** What went wrong; stable strings that clients and the error handler may switch on. */
export type QueryErrorCode =
  | "UNKNOWN_FIELD"
  | "UNSUPPORTED_OPERATOR"
  | "OPERATOR_NOT_ALLOWED"
  | "INVALID_VALUE"
  | "UNBALANCED_PARENTHESES"
  | "UNBALANCED_BRACKETS"
  | "EMPTY_IN_LIST"
  | "UNEXPECTED_TOKEN"
  | "UNTERMINATED_STRING"
  | "TRAILING_INPUT"
  | "LIMIT_EXCEEDED"
  | "INVALID_SORT"
  | "INVALID_PAGING";

/** The query-string parameter whose value was rejected. */
export type QueryParameter = "filter" | "sortBy" | "responseFields" | "startIndex" | "pageSize";

export interface QueryErrorDetails {
  code: QueryErrorCode;
  message: string;
  parameter: QueryParameter;
  /** 1-based index (UTF-16 code units) of the offending text in the parameter's value */
  position: number;
  /** how many characters the offending text spans; 0 at the end of the input */
  length: number;
}

/** A client mistake in filter, sortBy, responseFields or paging; always safe to show to the client (HTTP 400). */
export class QueryError extends Error {
  override readonly name = "QueryError";
  readonly code: QueryErrorCode;
  readonly parameter: QueryParameter;
  readonly position: number;
  readonly length: number;

  constructor(details: QueryErrorDetails) {
    super(details.message);
    this.code = details.code;
    this.parameter = details.parameter;
    this.position = details.position;
    this.length = details.length;
  }
}

const MAX_SHOWN = 40;

/** Quotes user text for an error message, shortened so a hostile input cannot balloon the response. */
export function show(text: string): string {
  return `'${text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text}'`;
}
