/**
 * Progress of one epoch on stderr. On a terminal: one bar redrawn in place (images done, images/s,
 * running loss and accuracy, time left), at most ten times a second. Elsewhere (CI logs, pipes): a
 * plain line every tenth of the epoch, at most one every five seconds, so logs stay short.
 */

export interface ProgressSnapshot {
  images: number;
  loss: number;
  /** Fraction 0–1. */
  accuracy: number;
}

export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number): string => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

export const percent = (f: number): string => `${(f * 100).toFixed(1)}%`;
export const thousands = (n: number): string => n.toLocaleString("en-US");

interface Output {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class EpochProgress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastLineAt = performance.now();
  private lastLineFraction = 0;
  private drawn = false;

  constructor(
    private readonly out: Output,
    private readonly label: string,
    private readonly total: number,
    /** Images already done when a resumed epoch starts (not counted in the speed). */
    private readonly done0 = 0,
  ) {}

  private line(s: ProgressSnapshot, width: number, bar: boolean): string {
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = (s.images - this.done0) / Math.max(elapsed, 1e-9);
    const eta = (this.total - s.images) / rate;
    const stats = `${thousands(s.images)}/${thousands(this.total)}  ${rate.toFixed(1)} img/s  loss ${s.loss.toFixed(4)}  acc ${percent(s.accuracy)}  ETA ${clock(eta)}`;
    const plain = `${this.label}  ${stats}`;
    // The bar takes what the terminal has left, up to 30 columns; below 10 it is left out.
    const room = Math.min(30, width - 1 - this.label.length - stats.length - 4);
    if (!bar || room < 10) return plain;
    const filled = Math.round((room * s.images) / Math.max(1, this.total));
    return `${this.label} [${"#".repeat(filled)}${".".repeat(room - filled)}] ${stats}`;
  }

  update(s: ProgressSnapshot): void {
    const now = performance.now();
    if (this.out.isTTY) {
      if (now - this.lastDraw < 100 && s.images < this.total) return;
      this.lastDraw = now;
      // A pseudo-terminal may report 0 columns: treat that as unknown.
      const width = this.out.columns || 100;
      this.out.write(`\r\x1b[2K${this.line(s, width, true).slice(0, width - 1)}`);
      this.drawn = true;
      return;
    }
    const fraction = s.images / Math.max(1, this.total);
    if (fraction - this.lastLineFraction >= 0.1 && now - this.lastLineAt >= 5000 && s.images < this.total) {
      this.out.write(this.line(s, 0, false) + "\n");
      this.lastLineAt = now;
      this.lastLineFraction = fraction;
    }
  }

  /** Removes the bar so the epoch's summary line replaces it. */
  finish(): void {
    if (this.drawn) this.out.write("\r\x1b[2K");
    this.drawn = false;
  }
}
