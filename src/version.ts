import { createRequire } from "node:module";

/** The compiler version, from package.json; part of the provenance header of generated files. */
export const VERSION: string = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
