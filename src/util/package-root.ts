import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding alexc's package.json. Found by walking up, because this module runs both
 * built (dist/src/) and from source under tsx (src/), at different depths.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) || !existsSync(join(dir, "templates"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("alexc: cannot find its package folder (package.json beside templates/)");
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();
