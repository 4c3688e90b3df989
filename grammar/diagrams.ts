/**
 * Railroad diagrams of the .anet grammar, drawn by chevrotain from the parser itself, so they cannot
 * drift from what is parsed. Written to grammar/diagrams.html by `npm run diagrams`; a test keeps
 * the committed file fresh. chevrotain's page loads its scripts from a CDN: they are inlined here so
 * the page works offline.
 */
import { createSyntaxDiagramsCode } from "chevrotain";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parser } from "./parser.js";

const BASE = "alexc-inline:";

/** chevrotain's exports hide package.json, so walk up from its entry point to the package folder. */
function packageDir(entry: string): string {
  let dir = dirname(entry);
  while (!existsSync(join(dir, "diagrams", "diagrams.css"))) {
    if (dirname(dir) === dir) throw new Error("cannot find chevrotain's diagrams/ folder");
    dir = dirname(dir);
  }
  return dir;
}

export function diagramsHtml(): string {
  const chevrotainDir = packageDir(createRequire(import.meta.url).resolve("chevrotain"));
  const asset = (path: string): string => readFileSync(join(chevrotainDir, "diagrams", path), "utf8").replace(/<\/script/gi, "<\\/script");
  let html = createSyntaxDiagramsCode(parser.getSerializedGastProductions(), { resourceBase: BASE, css: `${BASE}diagrams.css` });
  html = html.replace(`<link rel='stylesheet' href='${BASE}diagrams.css'>`, `<style>\n${asset("diagrams.css")}\n</style>`);
  html = html.replace(/<script src='alexc-inline:([^']+)'><\/script>/g, (_m, path: string) => `<script>\n${asset(path)}\n</script>`);
  html = html.replace("<!DOCTYPE html>", "<!DOCTYPE html>\n<title>.anet grammar: syntax diagrams</title>");
  return html.replace(/\r\n?/g, "\n").replace(/[ \t]+$/gm, "");
}
