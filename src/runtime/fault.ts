/**
 * Fault injection for the crash-consistency test: `ALEXC_FAULT=<point>:<n>` kills this process
 * with SIGKILL the n-th time it reaches `point` (n from 1). Unset, each call is one comparison.
 * The points sit between the writes a kill can separate: see test/crash.test.ts.
 */
const spec = process.env['ALEXC_FAULT'];
const [wanted, nth] = spec ? [spec.slice(0, spec.lastIndexOf(':')), Number(spec.slice(spec.lastIndexOf(':') + 1))] : ['', 0];
let seen = 0;

export const FAULT_POINTS = ['step', 'save:temp-written', 'swap:old-moved', 'swap:done', 'best:before-copy', 'best:temp-written', 'metrics:before-append', 'epoch:end'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export function faultPoint(point: FaultPoint): void {
  if (point !== wanted) return;
  if (++seen === nth) process.kill(process.pid, 'SIGKILL');
}
