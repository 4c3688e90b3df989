/**
 * The header of every generated file: a human-readable first line, then one machine-readable line
 * `// alexc: {"version":…,"spec":…,"variant":…,"overrides":[…],"specHash":…}` that
 * `compile --check` reads back (src/emit/drift.ts) with JSON.parse, so a spec path with any characters
 * round-trips exactly. templates/header.hbs renders it for every output file.
 */
export interface GeneratedHeader {
  /** The alexc that wrote the file. */
  version: string;
  /** The spec, relative to the working directory, `/`-separated. */
  spec: string;
  variant: string | null;
  /** `--set name=value` as given, in order. */
  overrides: string[];
  /** src/lower/spec-hash.ts: the spec's meaning. */
  specHash: string;
}

/** The JSON line in TypeScript, Python (and requirements.txt) and Markdown comments. */
const PREFIXES = ["// alexc: ", "# alexc: ", "<!-- alexc: "];
const MD_END = " -->";
/** The header's lines come first; reading stops this far in, so a large file is not scanned. */
const HEAD_LINES = 8;

/**
 * The JSON line's payload. JSON.stringify escapes control characters and lone surrogates; U+2028 and
 * U+2029 it leaves raw, but they end a `//` comment in TypeScript, so they are escaped too.
 */
export function headerJson(h: GeneratedHeader): string {
  const ordered: GeneratedHeader = { version: h.version, spec: h.spec, variant: h.variant, overrides: h.overrides, specHash: h.specHash };
  return JSON.stringify(ordered)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The header of a file's text, or undefined when it has no well-formed alexc header line. */
export function readHeader(text: string): GeneratedHeader | undefined {
  for (const line of text.split("\n", HEAD_LINES)) {
    const prefix = PREFIXES.find((p) => line.startsWith(p));
    if (prefix === undefined) continue;
    const json = line.slice(prefix.length, prefix.startsWith("<!--") && line.endsWith(MD_END) ? -MD_END.length : undefined);
    try {
      const h = JSON.parse(json) as Partial<GeneratedHeader>;
      const wellFormed =
        typeof h.version === "string" &&
        typeof h.spec === "string" &&
        (h.variant === null || typeof h.variant === "string") &&
        Array.isArray(h.overrides) &&
        h.overrides.every((o) => typeof o === "string") &&
        typeof h.specHash === "string";
      return wellFormed ? (h as GeneratedHeader) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Whether the text has an `// alexc:` line at all (well-formed or not): a file of this header format. */
export function hasHeaderLine(text: string): boolean {
  return text.split("\n", HEAD_LINES).some((line) => PREFIXES.some((p) => line.startsWith(p)));
}

export function sameHeader(a: GeneratedHeader, b: GeneratedHeader): boolean {
  return headerJson(a) === headerJson(b);
}
