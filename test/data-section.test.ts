/**
 * The spec's `data { }` section (preprocessing for the generated trainer) and the training
 * settings as they reach train.ts: defaults, every setting, and each mistake pointed at.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSource } from "../src/check/check-spec.js";
import { emitModel } from "../src/emit/emit.js";

const spec = (sections: string, input = "3x8x8"): string => `model t {\ninput ${input}\nflatten\ndense(4)\n${sections}\n}\n`;

function trainTs(sections: string, input?: string): string {
  const r = checkSource("t.anet", spec(sections, input));
  assert.equal(
    r.diagnostics.filter((d) => d.severity === "error"),
    [],
  );
  return emitModel(r.checked!, r.file).files.get("train.ts")!;
}

test("without a data section, train.ts gets the seed series' preprocessing and the default training settings", () => {
  const text = trainTs("");
  assert.ok(
    text.includes(`export const PREPROCESSING: Preprocessing = {
  train: { kind: "random_resized_crop", scale: [0.08, 1], ratio: [0.75, 1.3333333333333333] },
  flip: "horizontal",
  val: { kind: "resize" },
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
};`),
    text,
  );
  assert.ok(
    text.includes(`export const TRAINING: TrainingSettings = {
  optimizer: { name: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  loss: { name: "cross_entropy", labelSmoothing: 0 },
  batch: 32,
  epochs: 10,
};`),
    text,
  );
});

const settings: Array<[string, string, string]> = [
  [
    "ImageNet normalisation per channel",
    "data { mean = [0.485, 0.456, 0.406]; std = [0.229, 0.224, 0.225] }",
    "mean: [0.485, 0.456, 0.406],\n  std: [0.229, 0.224, 0.225],",
  ],
  [
    "a crop with torchvision's tuple arguments",
    "data { train = random_resized_crop(scale=[0.5, 1], ratio=[3/4, 4/3]) }",
    'train: { kind: "random_resized_crop", scale: [0.5, 1], ratio: [0.75, 1.3333333333333333] },',
  ],
  ["no augmentation at all", "data { train = resize; flip = none }", 'train: { kind: "resize" },\n  flip: "none",'],
  [
    "Resize(256) + CenterCrop(224) for validation",
    "data { val = center_crop(fraction=224/256) }",
    'val: { kind: "center_crop", fraction: 0.875 },',
  ],
  [
    "sgd with momentum and label smoothing",
    "train { optimizer = sgd(lr=0.01, momentum=0.9); loss = cross_entropy(label_smoothing=0.1) }",
    'optimizer: { name: "sgd", lr: 0.01, momentum: 0.9 },\n  loss: { name: "cross_entropy", labelSmoothing: 0.1 },',
  ],
  ["rmsprop", "train { optimizer = rmsprop(lr=0.001) }", 'optimizer: { name: "rmsprop", lr: 0.001, alpha: 0.99, momentum: 0, eps: 1e-8 },'],
];

for (const [what, sections, expected] of settings) {
  test(`train.ts carries ${what}`, () => {
    const text = trainTs(sections);
    assert.ok(text.includes(expected), text);
  });
}

test("one mean for a greyscale input stays one value", () => {
  assert.ok(trainTs("data { mean = 0.45; std = 0.2 }", "1x8x8").includes("mean: [0.45],\n  std: [0.2],"));
});

// Each mistake: the code raised and the text it points at.
const errors: Array<[string, string, string, string, string?]> = [
  ["unknown data setting", "data { crop = resize }", "E0113", "crop"],
  ["unknown transform", "data { train = random_crop }", "E0165", "random_crop"],
  ["center_crop for training", "data { train = center_crop }", "E0165", "center_crop"],
  ["a crop scale that is not a range", "data { train = random_resized_crop(scale=0.5) }", "E0106", "0.5"],
  ["a crop scale above 1", "data { train = random_resized_crop(scale=[0.5, 2]) }", "E0111", "2"],
  ["a crop scale of 0", "data { train = random_resized_crop(scale=[0, 1]) }", "E0111", "0"],
  ["a reversed ratio", "data { train = random_resized_crop(ratio=[4/3, 3/4]) }", "E0167", "[4/3, 3/4]"],
  ["two means for three channels", "data { mean = [0.5, 0.5] }", "E0120", "[0.5, 0.5]"],
  ["a zero std", "data { std = [0.2, 0, 0.2] }", "E0111", "0"],
  ["a mean outside [0, 1]", "data { mean = 127 }", "E0111", "127"],
  ["a flip that does not exist", "data { flip = vertical }", "E0165", "vertical"],
  ["a fraction above 1", "data { val = center_crop(fraction=1.2) }", "E0111", "1.2"],
  ["label smoothing of 2", "train { loss = cross_entropy(label_smoothing=2) }", "E0111", "2"],
  ["a data section twice", "data { flip = none }\ndata { flip = none }", "E0166", "data"],
];

for (const [what, sections, code, at] of errors) {
  test(`error: ${what} → ${code} at '${at}'`, () => {
    const text = spec(sections);
    const r = checkSource("t.anet", text);
    const d = r.diagnostics.find((x) => x.code === code && text.slice(x.span!.start, x.span!.end) === at);
    assert.ok(
      d,
      `expected ${code} at '${at}', got ${JSON.stringify(r.diagnostics.map((x) => [x.code, text.slice(x.span?.start, x.span?.end), x.message]))}`,
    );
  });
}

test("E0120 names the channel count, points at the input too, and says how to fix it", () => {
  const text = spec("data { std = [0.2, 0.2] }");
  const d = checkSource("t.anet", text).diagnostics.find((x) => x.code === "E0120")!;
  assert.is(d.message, "data.std has 2 values, but the input has 3 channels");
  assert.is(text.slice(d.related[0]!.span.start, d.related[0]!.span.end), "input 3x8x8");
  assert.match(d.help!, /one value for every channel, or 3 values in channel order/);
});

test.run();
