/** Lexical categories; keywords are plain words that the parser recognises by where they stand. */
export type TokenKind = "word" | "string" | "lparen" | "rparen" | "lbracket" | "rbracket" | "comma" | "eof";

export interface Token {
  kind: TokenKind;
  /** the source text, quotes included */
  text: string;
  /** the text a string token stands for: without its quotes, doubled quotes collapsed; for other tokens, `text` */
  value: string;
  /** 1-based index of the first character (UTF-16 code unit) in the original input */
  position: number;
  length: number;
}

/** Single-character tokens; they also end a bare word. */
export const PUNCTUATION: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ["(", "lparen"],
  [")", "rparen"],
  ["[", "lbracket"],
  ["]", "rbracket"],
  [",", "comma"],
]);

/** A bare number: digits with an optional sign and fraction; anything else (1e5, .5, 2024-05-03) is a bare string. */
export const NUMBER_PATTERN = /^-?\d+(?:\.\d+)?$/;

/** A field name: identifiers, dots allowed for nested paths such as contacts.email. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Whether the character separates tokens. */
export function isWhitespace(ch: string): boolean {
  return /\s/.test(ch);
}

/** Whether the character ends a bare word. */
export function endsBareWord(ch: string): boolean {
  return isWhitespace(ch) || PUNCTUATION.has(ch);
}

/** Whether the character opens a quoted string (only at the start of a token; inside a bare word it is literal). */
export function isQuote(ch: string): boolean {
  return ch === "'" || ch === '"';
}

/** Whether a token is the given keyword; keywords are case-insensitive. */
export function isKeyword(token: Token, keyword: string): boolean {
  return token.kind === "word" && token.text.toLowerCase() === keyword;
}

/** How a bare word in value position is read. */
export function classifyBareValue(text: string): "number" | "boolean" | "null" | "string" {
  if (NUMBER_PATTERN.test(text)) return "number";
  const lower = text.toLowerCase();
  if (lower === "true" || lower === "false") return "boolean";
  if (lower === "null") return "null";
  return "string";
}
