/**
 * Per-epoch results: the record kept in checkpoints, and metrics.csv, one row per epoch. The CSV is
 * appended as epochs finish (tail -f works) and rewritten from the checkpoint's history on resume,
 * so it never holds rows for epochs the checkpoint does not know.
 */
import { appendFileSync, existsSync } from "node:fs";
import { writeFileAtomic } from "./files.js";

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  /** Fraction 0–1. */
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Training images per second (data loading included, validation not). */
  imagesPerSecond: number;
  /** Wall time of the epoch, validation included. */
  seconds: number;
  learningRate: number;
  images: number;
}

const COLUMNS = [
  "epoch",
  "train_loss",
  "train_accuracy",
  "val_loss",
  "val_accuracy",
  "images_per_second",
  "seconds",
  "learning_rate",
] as const;

const fixed = (v: number | undefined, digits: number): string => (v === undefined ? "" : v.toFixed(digits));

function csvRow(r: EpochRecord): string {
  return (
    [
      r.epoch,
      fixed(r.trainLoss, 6),
      fixed(r.trainAccuracy, 6),
      fixed(r.valLoss, 6),
      fixed(r.valAccuracy, 6),
      fixed(r.imagesPerSecond, 2),
      fixed(r.seconds, 2),
      String(r.learningRate),
    ].join(",") + "\n"
  );
}

export function csvText(history: EpochRecord[]): string {
  return COLUMNS.join(",") + "\n" + history.map(csvRow).join("");
}

/** Rewrites `path` with exactly `history` (start of a run, or a resume). */
export function writeMetrics(path: string, history: EpochRecord[]): void {
  writeFileAtomic(path, csvText(history));
}

export function appendMetrics(path: string, record: EpochRecord): void {
  if (!existsSync(path)) writeMetrics(path, [record]);
  else appendFileSync(path, csvRow(record));
}

/** Better of two epochs for keeping the `best` checkpoint: validation accuracy, then loss; training loss without validation. */
export function isBetter(candidate: EpochRecord, best: EpochRecord | undefined): boolean {
  if (!best) return true;
  if (candidate.valAccuracy !== undefined && best.valAccuracy !== undefined) {
    if (candidate.valAccuracy !== best.valAccuracy) return candidate.valAccuracy > best.valAccuracy;
    return (candidate.valLoss ?? Infinity) < (best.valLoss ?? Infinity);
  }
  return candidate.trainLoss < best.trainLoss;
}
