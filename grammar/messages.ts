/** Syntax error messages in the words people type, not chevrotain's token-type names. */
import type { IToken, TokenType, IParserErrorMessageProvider } from "chevrotain";

const ruleWords: Record<string, string> = {
  spec: "the model",
  member: "a parameter, input, block, layer or section",
  layer: "a layer",
  value: "a value",
  expression: "an expression",
  term: "an expression",
  unary: "an expression",
  power: "an expression",
  primary: "a number, name or '('",
  arg: "an argument",
  argList: "arguments",
  section: "a section",
  bound: "a bound ('>= 2', '< 4')",
  paramDecl: "a parameter",
  variantDecl: "a variant",
  setting: "a setting",
  list: "a list",
  record: "a record",
};

function found(token: IToken): string {
  return token.tokenType?.name === "EOF" ? "the end of the file" : `'${token.image}'`;
}

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

export const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    return `expected ${label(expected)} in ${ruleWords[ruleName] ?? ruleName}, found ${found(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected the end of the file after the model's closing '}', found ${found(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const firsts = new Set(expectedPathsPerAlt.flatMap((paths) => paths.map((p) => (p[0] ? label(p[0]) : "")))).values();
    const list = [...firsts].filter(Boolean);
    const what = ruleWords[ruleName] ?? `one of ${list.join(", ")}`;
    return `expected ${what}, found ${found(actual[0]!)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const list = [...new Set(expectedIterationPaths.map((p) => (p[0] ? label(p[0]) : "")))].filter(Boolean);
    return `expected ${list.join(" or ")} in ${ruleWords[ruleName] ?? ruleName}, found ${found(actual[0]!)}`;
  },
};
