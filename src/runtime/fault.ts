/**
 * Fault injection for the crash-consistency test: `ALEXC_FAULT=<point>:<n>` kills this process
 * with SIGKILL the n-th time it reaches `point` (n from 1); `ALEXC_FAULT=<point>:<n>:enospc`
 * throws the error a full disk gives instead. Unset, each call is one comparison. The points sit
 * between the writes a kill can separate: see test/crash.test.ts.
 */
const spec = process.env["ALEXC_FAULT"] ?? "";
const match = /^(.+):(\d+)(:enospc)?$/.exec(spec);
const [wanted, nth, diskFull] = match ? [match[1]!, Number(match[2]), match[3] !== undefined] : ["", 0, false];
let seen = 0;

export const FAULT_POINTS = [
  "step",
  "save:temp-written",
  "swap:old-moved",
  "swap:done",
  "best:before-copy",
  "best:temp-written",
  "metrics:before-append",
  "epoch:end",
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export function faultPoint(point: FaultPoint): void {
  if (point !== wanted) return;
  if (++seen !== nth) return;
  if (!diskFull) process.kill(process.pid, "SIGKILL");
  throw Object.assign(new Error(`ENOSPC: no space left on device, write (injected at ${point})`), {
    code: "ENOSPC",
    errno: -28,
    syscall: "write",
  });
}
