/**
 * Customers framed by SQL, turned into the report's XML or JSON bytes without a JavaScript string per field.
 *
 * On PostgreSQL the batch query gives each customer as one text value, its report fields already formatted (see
 * `framedBatchQuery`), each written as `<length in UTF-8 bytes>:<characters>` in CUSTOMER_FIELDS order; NULL is an
 * empty field. Lengths rather than separators let any character through without SQL escaping it. Here a frame is
 * written into a scratch buffer as UTF-8 (one native call) and copied byte by byte into the batch's output,
 * escaped as escapeXml or JSON.stringify would escape it. Pure: no Fastify, no database.
 *
 * Byte lengths (octet_length, constant time) rather than character lengths (char_length walks the text) are what
 * PostgreSQL counts cheaply, and they are UTF-8 bytes in a UTF8 database, the only encoding Tally creates. In any
 * other, a length would end a value inside a character, which is refused (FrameError) rather than written.
 */
import { pointsEquivalent } from "./records.js";
import { CUSTOMER_FIELDS, type OutputFormat } from "./writers.js";

const COLON = 0x3a;
const ZERO = 0x30;
// The most bytes one input byte can become: a control character as \u001f, `"` as &quot;.
const MAX_BYTES_PER_BYTE = 6;
// The first buffer of a batch; it doubles when a batch needs more (a batch of 2,000 customers takes about 1.4 MB).
// Small, because the response holds the whole buffer until the socket has written it.
const INITIAL_BYTES = 64 * 1024;

const utf8 = (text: string) => new Uint8Array(Buffer.from(text));

/**
 * The fixed text around the values of one customer: `around[0]` before the first value, `around[i]` between value
 * i - 1 and value i, the last after the last value.
 */
function xmlAround(): Uint8Array[] {
  const around = [utf8(`<customer>\n<${CUSTOMER_FIELDS[0]}>`)];
  for (let index = 1; index < CUSTOMER_FIELDS.length; index += 1) {
    around.push(utf8(`</${CUSTOMER_FIELDS[index - 1]}>\n<${CUSTOMER_FIELDS[index]}>`));
  }
  around.push(utf8(`</${CUSTOMER_FIELDS.at(-1)}>\n</customer>\n`));
  return around;
}

/** As JSON.stringify of the whole envelope writes an item: indented for `customer` in `{status, customer}`, or condensed. */
function jsonAround(condensed: boolean): Uint8Array[] {
  const [open, between, close] = condensed ? ['{"', '","', '"}'] : ['\n    {\n      "', '",\n      "', '"\n    }'];
  const colon = condensed ? '":"' : '": "';
  const around = [utf8(`${open}${CUSTOMER_FIELDS[0]}${colon}`)];
  for (let index = 1; index < CUSTOMER_FIELDS.length; index += 1) around.push(utf8(`${between}${CUSTOMER_FIELDS[index]}${colon}`));
  around.push(utf8(close));
  return around;
}

// Per byte below 0x80 for XML: 0 copy, 1 drop (XML cannot carry it), 2 escape (see XML_ESCAPES).
const XML_ACTION = new Uint8Array(0x80);
const XML_ESCAPES: (Uint8Array | undefined)[] = new Array(0x80);
for (let byte = 0; byte < 0x20; byte += 1) XML_ACTION[byte] = byte === 0x09 || byte === 0x0a ? 0 : 1;
for (const [char, entity] of [["&", "&amp;"], ["<", "&lt;"], [">", "&gt;"], ['"', "&quot;"], ["'", "&apos;"], ["\r", "&#13;"]] as const) {
  XML_ACTION[char.charCodeAt(0)] = 2;
  XML_ESCAPES[char.charCodeAt(0)] = utf8(entity);
}

// Per byte below 0x80 for JSON: undefined copy, else the escape JSON.stringify writes.
const JSON_ESCAPES: (Uint8Array | undefined)[] = new Array(0x80);
for (let byte = 0; byte < 0x20; byte += 1) JSON_ESCAPES[byte] = utf8(JSON.stringify(String.fromCharCode(byte)).slice(1, -1));
JSON_ESCAPES[0x22] = utf8('\\"');
JSON_ESCAPES[0x5c] = utf8("\\\\");

const LINE_SEPARATOR = utf8("\\u2028");
const PARAGRAPH_SEPARATOR = utf8("\\u2029");

// Where the totals and their equivalents are in CUSTOMER_FIELDS: balance_equivalent is the balance's, and so on.
const EARNED = CUSTOMER_FIELDS.indexOf("earned");
const FIRST_EQUIVALENT = CUSTOMER_FIELDS.indexOf("balance_equivalent");
const EQUIVALENT_OF = [CUSTOMER_FIELDS.indexOf("balance"), EARNED, CUSTOMER_FIELDS.indexOf("redeemed")].map((index) => index - EARNED);
const MINUS = 0x2d;
const DOT = 0x2e;
// Digits a total may have and still be exact in a double once scaled to cents (2^53 has 16).
const MAX_EXACT_DIGITS = 13;

const isContinuation = (byte: number) => (byte & 0xc0) === 0x80;

/** A frame that is not what the batch query writes: a bug, never data, so it fails the report loudly. */
export class FrameError extends Error {}

/** Writes framed customers as report items, appending to one Buffer per batch. */
export class FrameEncoder {
  private readonly around: Uint8Array[];
  private readonly xml: boolean;
  /** JSONP: U+2028 and U+2029 escaped as well, which end a line in older JavaScript engines. */
  private readonly scriptSafe: boolean;
  private scratch = Buffer.alloc(0);
  private out = Buffer.alloc(0);
  private length = 0;
  /**
   * A points campaign's ratio when the frames carry no equivalents (framedBatchQuery with `equivalents` "node"):
   * they are worked out here from the totals, as pointsEquivalent does, without a string for each.
   */
  private readonly ratio: number | undefined;
  /** The fields a frame carries. */
  private readonly fields: number;
  /** The current customer's earned, redeemed and balance totals, when the equivalents are worked out here. */
  private readonly totals = [0, 0, 0];
  /** Where each total's text is in the scratch buffer, for one too long to be exact in a double. */
  private readonly totalStarts = [0, 0, 0];
  private readonly totalEnds = [0, 0, 0];
  /** Customers written so far, over all batches: JSON puts a comma before every item but the first. */
  written = 0;

  constructor(format: OutputFormat, ratio?: number) {
    if (ratio !== undefined && (!Number.isSafeInteger(ratio) || ratio <= 0)) {
      throw new RangeError(`points per currency unit must be a positive integer, got ${ratio}`);
    }
    this.ratio = ratio;
    this.fields = ratio === undefined ? CUSTOMER_FIELDS.length : FIRST_EQUIVALENT;
    this.xml = format.kind === "xml";
    this.around = format.kind === "xml" ? xmlAround() : jsonAround(format.condensed);
    this.scriptSafe = format.kind === "json" && format.callback !== undefined;
  }

  /** Appends one customer from its frame. */
  customer(frame: string): void {
    // A UTF-16 unit takes at most 3 UTF-8 bytes.
    if (this.scratch.length < frame.length * 3) this.scratch = Buffer.allocUnsafe(Math.max(frame.length * 3, 4_096));
    const input = this.scratch;
    const end = input.write(frame, 0, "utf8");
    if (!this.xml && this.written > 0) this.append(0x2c);
    this.copy(this.around[0]!);
    let at = 0;
    for (let field = 1; field <= this.fields; field += 1) {
      let count = 0;
      let digits = 0;
      while (at < end && input[at] !== COLON) {
        const digit = input[at]! - ZERO;
        if (digit < 0 || digit > 9 || digits > 9) throw new FrameError(`field ${field} of a frame has no length`);
        count = count * 10 + digit;
        digits += 1;
        at += 1;
      }
      if (at === end) throw new FrameError(`a frame ends before field ${field}`);
      at += 1;
      const start = at;
      if (start + count > end) throw new FrameError("a frame ends inside a value");
      if (count > 0 && (isContinuation(input[start]!) || (start + count < end && isContinuation(input[start + count]!)))) {
        throw new FrameError("a value's length ends inside a character: is the database's encoding UTF8?");
      }
      this.reserve(count * MAX_BYTES_PER_BYTE + this.around[field]!.length + 1);
      at = this.xml ? this.xmlValue(input, at, at + count) : this.jsonValue(input, at, at + count);
      if (this.ratio !== undefined && field - 1 >= EARNED) this.readTotal(field - 1 - EARNED, input, start, at);
      this.copy(this.around[field]!);
    }
    if (at !== end) throw new FrameError("a frame has more than the report's fields");
    for (let field = this.fields + 1; field <= CUSTOMER_FIELDS.length; field += 1) {
      this.writeEquivalent(EQUIVALENT_OF[field - 1 - FIRST_EQUIVALENT]!, input);
      this.copy(this.around[field]!);
    }
    this.written += 1;
  }

  /** Reads an integer total (`-`? digits) from the frame; one too long for a double is kept as text to convert. */
  private readTotal(which: number, input: Uint8Array, start: number, end: number): void {
    this.totalStarts[which] = start;
    this.totalEnds[which] = end;
    const negative = input[start] === MINUS;
    let value = 0;
    for (let at = negative ? start + 1 : start; at < end; at += 1) {
      const digit = input[at]! - ZERO;
      if (digit < 0 || digit > 9) throw new FrameError(`a total is not an integer`);
      value = value * 10 + digit;
    }
    if (end === start + (negative ? 1 : 0)) throw new FrameError("a total is empty");
    this.totals[which] = end - start > MAX_EXACT_DIGITS ? Number.NaN : negative ? -value : value;
  }

  /**
   * A total's currency equivalent, digit for digit pointsEquivalent's: cents rounded half up on the magnitude,
   * "0" for none, trailing zeros dropped.
   */
  private writeEquivalent(which: number, input: Buffer): void {
    const ratio = this.ratio!;
    const value = this.totals[which]!;
    const scaled = Math.abs(value) * 100;
    if (Number.isNaN(value) || !Number.isSafeInteger(scaled * 2 + ratio)) {
      const text = pointsEquivalent(input.toString("latin1", this.totalStarts[which], this.totalEnds[which]), ratio);
      this.reserve(text.length);
      this.length += this.out.write(text, this.length, "latin1");
      return;
    }
    let cents = Math.floor(scaled / ratio);
    if ((scaled - cents * ratio) * 2 >= ratio) cents += 1;
    this.reserve(24);
    if (cents === 0) {
      this.out[this.length++] = ZERO;
      return;
    }
    if (value < 0) this.out[this.length++] = MINUS;
    this.writeDigits(Math.floor(cents / 100));
    const fraction = cents % 100;
    if (fraction === 0) return;
    this.out[this.length++] = DOT;
    this.out[this.length++] = ZERO + Math.floor(fraction / 10);
    if (fraction % 10 !== 0) this.out[this.length++] = ZERO + (fraction % 10);
  }

  private writeDigits(value: number): void {
    const first = this.length;
    do {
      this.out[this.length++] = ZERO + (value % 10);
      value = Math.floor(value / 10);
    } while (value > 0);
    this.out.subarray(first, this.length).reverse();
  }

  /** The bytes appended since the last call; the next customer starts a new buffer. */
  take(): Buffer {
    const bytes = this.out.subarray(0, this.length);
    this.out = Buffer.alloc(0);
    this.length = 0;
    return bytes;
  }

  /** Copies the bytes from `at` to `end`, escaped for XML; returns `end`. */
  private xmlValue(input: Uint8Array, at: number, end: number): number {
    const out = this.out;
    let length = this.length;
    while (at < end) {
      const byte = input[at]!;
      at += 1;
      if (byte < 0x80) {
        const action = XML_ACTION[byte];
        if (action === 0) out[length++] = byte;
        else if (action === 2) {
          const entity = XML_ESCAPES[byte]!;
          for (let index = 0; index < entity.length; index += 1) out[length++] = entity[index]!;
        }
      } else if (byte === 0xef && at + 1 < end && input[at] === 0xbf && input[at + 1]! >= 0xbe) {
        // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters. Lone surrogates cannot come from
        // PostgreSQL, whose UTF-8 has none.
        at += 2;
      } else {
        out[length++] = byte;
      }
    }
    this.length = length;
    return at;
  }

  /** Copies the bytes from `at` to `end`, escaped as JSON.stringify escapes a string; returns `end`. */
  private jsonValue(input: Uint8Array, at: number, end: number): number {
    const out = this.out;
    let length = this.length;
    while (at < end) {
      const byte = input[at]!;
      at += 1;
      if (byte < 0x80) {
        const escape = JSON_ESCAPES[byte];
        if (escape === undefined) out[length++] = byte;
        else for (let index = 0; index < escape.length; index += 1) out[length++] = escape[index]!;
      } else if (this.scriptSafe && byte === 0xe2 && at + 1 < end && input[at] === 0x80 && (input[at + 1] === 0xa8 || input[at + 1] === 0xa9)) {
        // U+2028 and U+2029: E2 80 A8 and E2 80 A9.
        const escape = input[at + 1] === 0xa8 ? LINE_SEPARATOR : PARAGRAPH_SEPARATOR;
        for (let index = 0; index < escape.length; index += 1) out[length++] = escape[index]!;
        at += 2;
      } else {
        out[length++] = byte;
      }
    }
    this.length = length;
    return at;
  }

  private append(byte: number): void {
    this.reserve(1);
    this.out[this.length++] = byte;
  }

  private copy(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    const out = this.out;
    let length = this.length;
    for (let index = 0; index < bytes.length; index += 1) out[length++] = bytes[index]!;
    this.length = length;
  }

  /** Makes room for `bytes` more. */
  private reserve(bytes: number): void {
    if (this.length + bytes <= this.out.length) return;
    let size = Math.max(this.out.length * 2, INITIAL_BYTES);
    while (size < this.length + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.out.copy(grown, 0, 0, this.length);
    this.out = grown;
  }
}
