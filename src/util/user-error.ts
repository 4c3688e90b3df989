/**
 * The one base class of failures that are the user's to fix (how alexc was called, a file it was
 * pointed at, an output it cannot write): the CLI prints the message on one line and exits with
 * `exitStatus`, never with a stack trace. Anything else that reaches the CLI is a bug in alexc.
 */
export class UserError extends Error {
  /** 2: a usage problem (the README's exit-status table); OutputPathError says 74 when the system refused a write. */
  readonly exitStatus: number = 2;
}
