/**
 * The first import of `alexc/runtime`: Node's source maps are off while the runtime's dependencies
 * load, and `source-maps-restore.ts`, its last import, puts the setting back. tsx turns source maps
 * on, and Node 20 then reads and parses the map of every file it compiles: tfjs's bundles carry
 * 17 MB of maps nobody debugs into, which made every `npx tsx train.ts` start about 0.4 CPU-s
 * slower (bench/startup.ts). The user's own files, loaded after, keep their maps.
 */
export const sourceMapsWereEnabled = process.sourceMapsEnabled;
process.setSourceMapsEnabled(false);
