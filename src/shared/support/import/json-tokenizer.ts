/**
 * An incremental JSON tokenizer: text goes in as chunks of any size (cut anywhere, even inside a
 * string or a number), tokens come out to a {@link JsonTokenSink} as soon as they are complete.
 * It accepts exactly what `JSON.parse` accepts (RFC 8259: no comments, no trailing commas, one
 * top-level value) and holds only the token being read, so a dump of hundreds of megabytes can be
 * walked without ever being one string. Strings are located with `indexOf` and decoded by the
 * engine's own JSON parser, so long strings (a stats series' encoded `values`) cost little.
 */

/** Receives the tokens of one JSON text, in order. */
export interface JsonTokenSink {
  beginObject(): void;
  endObject(): void;
  beginArray(): void;
  endArray(): void;
  /** An object member's name (always followed by its value). */
  key(name: string): void;
  /** A string, number, boolean or null. */
  value(v: string | number | boolean | null): void;
}

/** Text that is not JSON; `truncated` when it was valid so far but ended too soon. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    /** True when the text ended in the middle of a value. */
    readonly truncated: boolean,
    /** Offset (in UTF-16 code units) where the problem was found. */
    readonly position: number,
  ) {
    super(message);
  }
}

/** A single string, number or literal longer than the tokenizer's `maxTokenChars`. */
export class JsonTokenTooLongError extends Error {
  override readonly name = 'JsonTokenTooLongError';
  constructor(
    /** The cap, in UTF-16 code units. */
    readonly maxTokenChars: number,
    /** Offset where the token started. */
    readonly position: number,
  ) {
    super(`A JSON value starting at position ${position} is longer than ${maxTokenChars} characters`);
  }
}

/** Default {@link JsonTokenizerOptions.maxTokenChars}: 64 Mi UTF-16 code units. */
export const DEFAULT_MAX_TOKEN_CHARS = 64 * 1024 * 1024;

/** Options of {@link JsonTokenizer}. */
export interface JsonTokenizerOptions {
  /**
   * The longest string, number or literal held (default {@link DEFAULT_MAX_TOKEN_CHARS}): a token
   * is held whole until it ends, even one its reader skips, so this bounds what one token costs.
   */
  maxTokenChars?: number;
}

/** What may come next, outside a string, number or literal. */
const enum Expect {
  Value,
  ValueOrEndArray,
  KeyOrEndObject,
  Key,
  Colon,
  CommaOrEnd,
  Nothing,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
// JSON forbids raw control characters in strings; this finds them so the engine reports them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LITERALS: Record<string, true | false | null> = { true: true, false: false, null: null };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/** True when the run of backslashes that ends `s` (not before `from`) has odd length. */
function endsInEscape(s: string, from: number): boolean {
  let k = 0;
  while (s.length - 1 - k >= from && s.charCodeAt(s.length - 1 - k) === BACKSLASH) k++;
  return k % 2 === 1;
}

/**
 * See the file comment. Call {@link write} per chunk, then {@link end}; errors are
 * {@link JsonSyntaxError}, and {@link JsonTokenTooLongError} past the token cap.
 */
export class JsonTokenizer {
  private expect: Expect = Expect.Value;
  /** Open containers: true for an object, false for an array. */
  private readonly stack: boolean[] = [];
  /** Chars before the current chunk. */
  private offset = 0;
  /** The token being read across chunks: its kind and the pieces seen so far. */
  private partial: 'string' | 'number' | 'literal' | null = null;
  private pieces: string[] = [];
  /** Chars in `pieces`, and where the token being read started. */
  private partialChars = 0;
  private partialStart = 0;
  private readonly maxTokenChars: number;
  /** Inside a string: is it a member name, and did the last piece end inside an escape? */
  private stringIsKey = false;
  private escaped = false;

  constructor(
    private readonly sink: JsonTokenSink,
    options: JsonTokenizerOptions = {},
  ) {
    this.maxTokenChars = options.maxTokenChars ?? DEFAULT_MAX_TOKEN_CHARS;
  }

  /** Keeps a piece of the token being read, within the cap. */
  private hold(piece: string): void {
    this.partialChars += piece.length;
    if (this.partialChars > this.maxTokenChars)
      throw new JsonTokenTooLongError(this.maxTokenChars, this.partialStart);
    this.pieces.push(piece);
  }

  /** Starts holding a token that begins at chunk offset `i`. */
  private startToken(i: number): void {
    this.pieces = [];
    this.partialChars = 0;
    this.partialStart = this.offset + i;
  }

  /** Feeds the next piece of text. */
  write(chunk: string): void {
    let i = 0;
    const n = chunk.length;
    if (this.partial === 'string') i = this.readString(chunk, 0);
    else if (this.partial !== null) i = this.readWord(chunk, 0);
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      i = this.token(chunk, i, c);
    }
    this.offset += n;
  }

  /** Ends the text: throws when it stopped inside a value. */
  end(): void {
    if (this.partial === 'number' || this.partial === 'literal') this.finishWord(this.offset, true);
    if (this.partial === 'string') this.fail('Unterminated string', this.offset, true);
    if (this.expect !== Expect.Nothing) this.fail('Unexpected end of JSON input', this.offset, true);
  }

  private fail(message: string, at: number, truncated = false): never {
    throw new JsonSyntaxError(`${message} at position ${at}`, truncated, at);
  }

  /** Handles the token starting with char `c` at `i`; returns where to go on. */
  private token(s: string, i: number, c: number): number {
    const at = this.offset + i;
    switch (this.expect) {
      case Expect.Colon:
        if (c !== 0x3a) this.fail(`Expected ':' after property name`, at);
        this.expect = Expect.Value;
        return i + 1;
      case Expect.CommaOrEnd:
        if (c === 0x2c) {
          this.expect = this.stack[this.stack.length - 1] ? Expect.Key : Expect.Value;
          return i + 1;
        }
        return this.close(c, at, i);
      case Expect.Key:
      case Expect.KeyOrEndObject:
        if (c === QUOTE) {
          this.stringIsKey = true;
          return this.startString(s, i);
        }
        if (this.expect === Expect.KeyOrEndObject) return this.close(c, at, i);
        return this.fail(`Expected a property name`, at);
      case Expect.ValueOrEndArray:
        if (c === 0x5d) return this.close(c, at, i);
        return this.startValue(s, i, c, at);
      case Expect.Value:
        return this.startValue(s, i, c, at);
      case Expect.Nothing:
        return this.fail('Unexpected non-whitespace character after JSON', at);
    }
  }

  /** `}` or `]` closing the innermost container. */
  private close(c: number, at: number, i: number): number {
    const inObject = this.stack[this.stack.length - 1];
    if (c === 0x7d && inObject === true) this.sink.endObject();
    else if (c === 0x5d && inObject === false) this.sink.endArray();
    else this.fail(`Unexpected character '${String.fromCharCode(c)}'`, at);
    this.stack.pop();
    this.afterValue();
    return i + 1;
  }

  private afterValue(): void {
    this.expect = this.stack.length === 0 ? Expect.Nothing : Expect.CommaOrEnd;
  }

  private startValue(s: string, i: number, c: number, at: number): number {
    if (c === QUOTE) {
      this.stringIsKey = false;
      return this.startString(s, i);
    }
    if (c === 0x7b || c === 0x5b) {
      const object = c === 0x7b;
      this.stack.push(object);
      if (object) this.sink.beginObject();
      else this.sink.beginArray();
      this.expect = object ? Expect.KeyOrEndObject : Expect.ValueOrEndArray;
      return i + 1;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) this.partial = 'number';
    else if (c === 0x74 || c === 0x66 || c === 0x6e) this.partial = 'literal';
    else this.fail(`Unexpected character '${String.fromCharCode(c)}'`, at);
    this.startToken(i);
    return this.readWord(s, i);
  }

  /** Reads a number or literal from `i`; finishes it at the first char that cannot be part of it. */
  private readWord(s: string, i: number): number {
    const start = i;
    const number = this.partial === 'number';
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (number ? !isNumberChar(c) : c < 0x61 || c > 0x7a) break;
      i++;
    }
    this.hold(s.slice(start, i));
    if (i < s.length) this.finishWord(this.offset + i, false);
    return i;
  }

  /** Ends a number or literal read up to `at`; `atEnd` when the text ended there (a valid prefix is then truncation). */
  private finishWord(at: number, atEnd: boolean): void {
    const text = this.pieces.join('');
    const kind = this.partial;
    this.partial = null;
    this.pieces = [];
    if (kind === 'number') {
      if (!NUMBER.test(text))
        this.fail(`Bad number '${text.slice(0, 40)}'`, at - text.length, atEnd && /[-.eE+]$/.test(text));
      this.sink.value(Number(text));
    } else {
      if (!(text in LITERALS)) {
        const prefix = ['true', 'false', 'null'].some((w) => w.startsWith(text));
        this.fail(`Unexpected token '${text.slice(0, 40)}'`, at - text.length, atEnd && prefix);
      }
      this.sink.value(LITERALS[text]!);
    }
    this.afterValue();
  }

  private startString(s: string, i: number): number {
    this.partial = 'string';
    this.startToken(i);
    this.escaped = false;
    return this.readString(s, i + 1);
  }

  /** Reads string content from `i` (just after the opening quote, or a chunk's start). */
  private readString(s: string, i: number): number {
    const from = i;
    if (this.escaped) {
      if (i >= s.length) return i;
      i++; // the escaped char (a lone `"` here does not end the string)
      this.escaped = false;
    }
    for (;;) {
      const q = s.indexOf('"', i);
      if (q < 0) {
        this.escaped = endsInEscape(s, i);
        this.hold(s.slice(from));
        return s.length;
      }
      let k = 0;
      while (q - 1 - k >= i && s.charCodeAt(q - 1 - k) === BACKSLASH) k++;
      if (k % 2 === 0) {
        this.hold(s.slice(from, q));
        this.finishString(this.offset + q);
        return q + 1;
      }
      i = q + 1;
    }
  }

  private finishString(at: number): void {
    const raw = this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join('');
    this.pieces = [];
    this.partial = null;
    let text = raw;
    if (raw.includes('\\') || CONTROL.test(raw)) {
      try {
        text = JSON.parse(`"${raw}"`) as string;
      } catch {
        this.fail('Bad string (an invalid escape or a control character)', at - raw.length);
      }
    }
    if (this.stringIsKey) {
      this.sink.key(text);
      this.expect = Expect.Colon;
    } else {
      this.sink.value(text);
      this.afterValue();
    }
  }
}
