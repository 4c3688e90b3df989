/**
 * HTML text and attribute escaping. The report is built from strings, so every piece of text that
 * comes from a spec (names, settings, diagnostics, file paths) passes through `esc` on its way in.
 */
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(text: string | number | bigint): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
