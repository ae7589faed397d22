/** Bounds on hostile or accidental huge input; every one of them fails with LIMIT_EXCEEDED. */
export interface FilterLimits {
  /** characters in the filter string */
  maxLength: number;
  /** tokens, end of input not counted */
  maxTokens: number;
  /** nested parentheses; and/or chains are parsed by loops so their length costs no stack */
  maxDepth: number;
  /** values in one `in [...]` list */
  maxInListValues: number;
}

export const DEFAULT_FILTER_LIMITS: Readonly<FilterLimits> = Object.freeze({
  maxLength: 2000,
  maxTokens: 500,
  maxDepth: 32,
  maxInListValues: 100,
});

/** Fills the limits the caller did not set with the defaults. */
export function resolveLimits(overrides: Partial<FilterLimits> = {}): FilterLimits {
  return {
    maxLength: overrides.maxLength ?? DEFAULT_FILTER_LIMITS.maxLength,
    maxTokens: overrides.maxTokens ?? DEFAULT_FILTER_LIMITS.maxTokens,
    maxDepth: overrides.maxDepth ?? DEFAULT_FILTER_LIMITS.maxDepth,
    maxInListValues: overrides.maxInListValues ?? DEFAULT_FILTER_LIMITS.maxInListValues,
  };
}

/**
 * The deepest AST the parser can build within `maxDepth`: each parenthesis level adds at most an `or` and an `and`
 * node, plus the leaf. The compiler refuses deeper hand-built trees instead of overflowing the stack.
 */
export function maxAstDepth(limits: FilterLimits): number {
  return 2 * (limits.maxDepth + 1) + 1;
}
