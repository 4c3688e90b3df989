/** The last import of `alexc/runtime`: see source-maps-off.ts. */
import { sourceMapsWereEnabled } from "./source-maps-off.js";

process.setSourceMapsEnabled(sourceMapsWereEnabled);
