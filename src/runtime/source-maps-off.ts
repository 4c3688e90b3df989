/**
 * The first import of `alexc/runtime`: Node's source maps are off while the runtime's dependencies
 * load, and `source-maps-restore.ts`, its last import, puts the setting back. tsx turns source maps
 * on, and Node 20 then reads and parses the map of every file it compiles: the tfjs packages alexc
 * loads carry 7 MB of maps (the whole tfjs bundle 17 MB) nobody debugs into, which cost every
 * `npx tsx train.ts` 0.1–0.4 CPU-s at start (bench/startup.ts). The user's own files, loaded after,
 * keep their maps.
 */
export const sourceMapsWereEnabled = process.sourceMapsEnabled;
process.setSourceMapsEnabled(false);
