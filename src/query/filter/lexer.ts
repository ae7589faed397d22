import { filterErrors } from "./errors.js";
import { DEFAULT_FILTER_LIMITS, type FilterLimits } from "./limits.js";
import { PUNCTUATION, endsBareWord, isQuote, isWhitespace, type Token } from "./tokens.js";

/** Splits a filter string into tokens, always ending with one "eof" token. */
export function lex(input: string, limits: FilterLimits = DEFAULT_FILTER_LIMITS): Token[] {
  if (input.length > limits.maxLength) throw filterErrors.inputTooLong(input.length, limits.maxLength);

  const tokens: Token[] = [];
  let index = 0;
  while (index < input.length) {
    const ch = input.charAt(index);
    if (isWhitespace(ch)) {
      index += 1;
      continue;
    }
    // Counted before scanning so a flood of tokens is refused without building them all.
    if (tokens.length === limits.maxTokens) throw filterErrors.tooManyTokens(index + 1, limits.maxTokens);

    const punctuation = PUNCTUATION.get(ch);
    const token = punctuation
      ? { kind: punctuation, text: ch, value: ch, position: index + 1, length: 1 }
      : isQuote(ch)
        ? scanQuoted(input, index)
        : scanBareWord(input, index);
    tokens.push(token);
    index += token.length;
  }
  tokens.push({ kind: "eof", text: "", value: "", position: input.length + 1, length: 0 });
  return tokens;
}

/** A bare word runs to whitespace or punctuation; quotes inside it are ordinary characters (O'Brien). */
function scanBareWord(input: string, start: number): Token {
  let end = start + 1;
  while (end < input.length && !endsBareWord(input.charAt(end))) end += 1;
  const text = input.slice(start, end);
  return { kind: "word", text, value: text, position: start + 1, length: end - start };
}

/** A quoted string; the opening quote character, doubled, stands for itself ('O''Brien'). */
function scanQuoted(input: string, start: number): Token {
  const quote = input.charAt(start);
  let value = "";
  let index = start + 1;
  while (index < input.length) {
    const ch = input.charAt(index);
    if (ch !== quote) {
      value += ch;
      index += 1;
    } else if (input.charAt(index + 1) === quote) {
      value += quote;
      index += 2;
    } else {
      const length = index + 1 - start;
      return { kind: "string", text: input.slice(start, index + 1), value, position: start + 1, length };
    }
  }
  throw filterErrors.unterminatedString(start + 1, input.length - start, quote);
}
