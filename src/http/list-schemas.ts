import Type, { type TObject, type TProperties, type TSchema } from "typebox";

// PostgreSQL text cannot hold NUL, so a NUL in a request is refused up front instead of failing in the database.
const NO_NUL = "^[^\\u0000]*$";

/** How a list endpoint documents its sortBy or filter parameter. */
export interface ListParameterText {
  /** What comes before the field list: direction and tiebreaker for sortBy, the grammar for filter. */
  description: string;
  /** The fields the parameter accepts, as describeFields lists them (plus any note). */
  fields: string;
  examples: string[];
}

/** The parts of a list endpoint's query string that differ between resources. */
export interface ListQueryText {
  sortBy: ListParameterText;
  filter: ListParameterText;
}

/** An endpoint's own query parameters, placed before or after the shared list parameters. */
export interface OwnParameters<Leading extends TProperties, Trailing extends TProperties> {
  leading?: Leading;
  trailing?: Trailing;
}

type NoParameters = Record<never, TSchema>;

/** The query string of a list endpoint: startIndex, pageSize, sortBy and filter, between its own parameters. */
export function listQuery<Leading extends TProperties = NoParameters, Trailing extends TProperties = NoParameters>(
  text: ListQueryText,
  { leading, trailing }: OwnParameters<Leading, Trailing> = {},
): TObject<Leading & ListProperties & Trailing> {
  // A missing side spreads to nothing, as its default type (no parameters) says; TypeScript cannot see that.
  return Type.Object({ ...(leading as Leading), ...listProperties(text), ...(trailing as Trailing) });
}

type ListProperties = ReturnType<typeof listProperties>;

function listProperties({ sortBy, filter }: ListQueryText) {
  return {
    startIndex: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: "Zero-based offset of the first item to return." })),
    pageSize: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 20,
        description: "Items per page: default 20 (also for 0); values above 200 are clamped to 200 and the response echoes the effective size.",
      }),
    ),
    // sortBy's examples stay in its description: Swagger UI's "Try it out" pre-fills a parameter's first example,
    // which would silently reorder the first response a reader sees.
    sortBy: Type.Optional(
      Type.String({ maxLength: 2000, pattern: NO_NUL, description: describeParameter("Sortable", sortBy) }),
    ),
    filter: Type.Optional(
      Type.String({ maxLength: 2000, pattern: NO_NUL, description: describeParameter("Filterable", filter), examples: filter.examples }),
    ),
  };
}

function describeParameter(role: string, { description, fields, examples }: ListParameterText): string {
  return `${description} ${role} fields: ${fields}. Examples: ${examples.map((example) => `\`${example}\``).join("; ")}.`;
}

/** What a page of one resource looks like in the OpenAPI document. */
export interface CollectionSpec {
  $id: string;
  /** The $id of the item schema. */
  itemRef: string;
  description: string;
  /** One item, for the page's example. */
  example: unknown;
  /** What totalCount counts, e.g. "Credit memos". */
  counted: string;
  /** Whether every property may be missing, as when responseFields can leave any of them out. */
  optional: boolean;
}

/** The collection envelope (startIndex, pageSize, pageCount, totalCount, items) of one resource. */
export function collection(spec: CollectionSpec): TObject {
  const property = (schema: TSchema) => (spec.optional ? Type.Optional(schema) : schema);
  return Type.Object(
    {
      startIndex: property(Type.Integer({ description: "Zero-based offset of the first item." })),
      pageSize: property(Type.Integer({ description: "The effective page size (requests above 200 are clamped)." })),
      pageCount: property(Type.Integer({ description: "ceil(totalCount / pageSize); 0 when there are no items." })),
      totalCount: property(Type.Integer({ description: `${spec.counted} matching the filter, over all pages.` })),
      items: property(Type.Array(Type.Ref(spec.itemRef))),
    },
    {
      $id: spec.$id,
      description: spec.description,
      examples: [{ startIndex: 0, pageSize: 20, pageCount: 1, totalCount: 1, items: [spec.example] }],
    },
  );
}
