/**
 * The static import specifiers of a TypeScript module: `import … from "x"`,
 * `import type … from "x"`, `import "x"` and `export … from "x"`, in source
 * order. Dynamic `import("x")` and `import.meta` are not static imports and
 * are left out.
 *
 * A small lexer rather than a regular expression over the text, so an
 * `import` inside a comment, a string, a template literal or a regular
 * expression literal is never mistaken for one; the one heuristic is the
 * usual one for telling a regular expression from a division (what came
 * before the slash).
 */

/** Tokens after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set([
  "",
  "(",
  ",",
  "=",
  ":",
  "[",
  "!",
  "&",
  "|",
  "?",
  "{",
  "}",
  ";",
  "+",
  "-",
  "*",
  "%",
  "<",
  ">",
  "~",
  "^",
  "return",
  "typeof",
  "case",
  "do",
  "else",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "yield",
  "await",
]);

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

/** The static import and re-export specifiers of `source`. */
export function importSpecifiers(source: string): string[] {
  const lexer = new Lexer(source);
  const specifiers: string[] = [];
  let previous = "";
  for (;;) {
    const token = lexer.next(BEFORE_REGEX.has(previous));
    if (token === undefined) return specifiers;
    if (
      (token.text === "import" || token.text === "export") &&
      previous !== "."
    ) {
      const specifier = declarationSource(lexer, token.text);
      if (specifier !== undefined) specifiers.push(specifier);
    }
    previous = token.kind === "string" ? '""' : token.text;
  }
}

/**
 * After `import`/`export`: the quoted source of a static declaration, or
 * undefined when this is not one (a dynamic import, `import.meta`, an
 * `export const …`). Consumes the tokens it looked at.
 */
function declarationSource(
  lexer: Lexer,
  keyword: string,
): string | undefined {
  let last = keyword;
  for (;;) {
    const token = lexer.peek();
    if (token === undefined) return undefined;
    if (token.kind === "string") {
      const isSource = last === "from" || (last === "import");
      if (isSource) lexer.next(false);
      return isSource ? token.value : undefined;
    }
    const clause = token.kind === "word" || token.text === "{" ||
      token.text === "}" || token.text === "," || token.text === "*";
    if (!clause) return undefined;
    lexer.next(false);
    last = token.text;
  }
}

interface Token {
  readonly kind: "word" | "string" | "punct";
  /** The token as written (a string's quotes included). */
  readonly text: string;
  /** A string's content. */
  readonly value?: string;
}

/** Tokens of `source`, skipping whitespace, comments, templates and regexes. */
class Lexer {
  #source: string;
  #at = 0;
  #peeked: Token | undefined | null = null;

  constructor(source: string) {
    this.#source = source;
  }

  /** The next token without consuming it (a `/` read as a division). */
  peek(): Token | undefined {
    if (this.#peeked === null) this.#peeked = this.#read(false);
    return this.#peeked;
  }

  /** Consumes the next token; `regexAllowed` says how to read a `/`. */
  next(regexAllowed: boolean): Token | undefined {
    if (this.#peeked !== null) {
      const token = this.#peeked;
      this.#peeked = null;
      return token;
    }
    return this.#read(regexAllowed);
  }

  #read(regexAllowed: boolean): Token | undefined {
    const s = this.#source;
    for (;;) {
      if (this.#at >= s.length) return undefined;
      const c = s[this.#at];
      if (/\s/.test(c)) {
        this.#at++;
      } else if (c === "/" && s[this.#at + 1] === "/") {
        const end = s.indexOf("\n", this.#at);
        this.#at = end === -1 ? s.length : end;
      } else if (c === "/" && s[this.#at + 1] === "*") {
        const end = s.indexOf("*/", this.#at + 2);
        this.#at = end === -1 ? s.length : end + 2;
      } else if (c === '"' || c === "'") {
        const start = this.#at;
        this.#at = this.#skipQuoted(start + 1, c);
        const text = s.slice(start, this.#at);
        return { kind: "string", text, value: text.slice(1, -1) };
      } else if (c === "`") {
        this.#at = this.#skipTemplate(this.#at + 1);
        return { kind: "punct", text: "`" };
      } else if (c === "/" && regexAllowed) {
        this.#at = this.#skipRegex(this.#at + 1);
        return { kind: "punct", text: "/regex/" };
      } else if (IDENT_START.test(c)) {
        const start = this.#at;
        while (this.#at < s.length && IDENT_PART.test(s[this.#at])) this.#at++;
        return { kind: "word", text: s.slice(start, this.#at) };
      } else {
        this.#at++;
        return { kind: "punct", text: c };
      }
    }
  }

  /** Index just past the closing `quote` of a string starting at `at`. */
  #skipQuoted(at: number, quote: string): number {
    const s = this.#source;
    while (at < s.length && s[at] !== quote && s[at] !== "\n") {
      at += s[at] === "\\" ? 2 : 1;
    }
    return at + 1;
  }

  /** Index just past the closing backtick; `${…}` may nest anything. */
  #skipTemplate(at: number): number {
    const s = this.#source;
    while (at < s.length && s[at] !== "`") {
      if (s[at] === "\\") {
        at += 2;
      } else if (s[at] === "$" && s[at + 1] === "{") {
        at = this.#skipBraces(at + 2);
      } else {
        at++;
      }
    }
    return at + 1;
  }

  /** Index just past the `}` closing a `${` whose body starts at `at`. */
  #skipBraces(at: number): number {
    const inner = new Lexer(this.#source);
    inner.#at = at;
    let depth = 1;
    let previous = "";
    for (;;) {
      const token = inner.next(BEFORE_REGEX.has(previous));
      if (token === undefined) return this.#source.length;
      if (token.text === "{") depth++;
      if (token.text === "}" && --depth === 0) return inner.#at;
      previous = token.text;
    }
  }

  /** Index just past a regular expression literal's flags. */
  #skipRegex(at: number): number {
    const s = this.#source;
    let inClass = false;
    while (at < s.length && s[at] !== "\n") {
      const c = s[at];
      if (c === "\\") {
        at += 2;
        continue;
      }
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      at++;
    }
    at++;
    while (at < s.length && IDENT_PART.test(s[at])) at++;
    return at;
  }
}
