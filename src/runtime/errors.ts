/**
 * Raised by the alexc runtime when the environment cannot do what was asked
 * (e.g. a native backend was required but is not installed). A distinct class
 * lets generated code and the CLI tell setup problems apart from bugs.
 */
export class AlexcRuntimeError extends Error {
  override readonly name = "AlexcRuntimeError";
}
