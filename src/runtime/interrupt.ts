/**
 * Ctrl-C (SIGINT) and SIGTERM during training: the first one asks the loop to stop after the step
 * in progress and save a checkpoint; a second one quits at once. A step on the wasm backend holds
 * the thread for its whole duration, so the request is noticed between steps.
 */
export class InterruptFlag {
  private count = 0;
  private readonly handler = (signal: NodeJS.Signals): void => {
    this.count++;
    if (this.count === 1) {
      this.onFirst(signal);
      return;
    }
    process.stderr.write(`\nalexc: ${signal} again: quitting without saving\n`);
    process.exit(130);
  };

  constructor(private readonly onFirst: (signal: NodeJS.Signals) => void) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  get requested(): boolean {
    return this.count > 0;
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}
