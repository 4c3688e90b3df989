/**
 * Why a PyTorch weight file was not read: one line naming the file and what in it is wrong. A file
 * given to import-weights is untrusted data (a download, a colleague's checkpoint): every size and
 * offset is checked before anything is allocated from it, and nothing in it is ever executed.
 */
import { AlexcRuntimeError } from "../errors.js";

export class BadWeightFile extends AlexcRuntimeError {}

export function refuse(file: string, why: string): never {
  throw new BadWeightFile(`${file}: ${why}`);
}
