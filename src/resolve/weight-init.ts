/**
 * Weight initialisers: the spec's choices (PyTorch's names and semantics) turned into tfjs
 * initializer calls with the numbers computed per layer from its fan-in and fan-out, exactly as
 * torch.nn.init computes them. Plain (not truncated) normals, as PyTorch uses.
 */
import type { InitCall, InitRole } from "../layers/kind.js";
import { TORCH_INIT_GAINS, type Choice, type InitSettings } from "./sections.js";

function gain(nonlinearity: string, a: number): number {
  const rule = TORCH_INIT_GAINS[nonlinearity as keyof typeof TORCH_INIT_GAINS];
  return rule ? rule(a) : 1;
}

function num(choice: Choice, key: string): number {
  return choice.args[key] as number;
}

function fmt(x: number): string {
  return `${+x.toPrecision(4)}`;
}

function initCall(choice: Choice, fanIn: number, fanOut: number): InitCall {
  switch (choice.fn) {
    case "kaiming_normal":
    case "kaiming_uniform": {
      const mode = choice.args["mode"] as string;
      const fan = mode === "fan_out" ? fanOut : fanIn;
      const g = gain(choice.args["nonlinearity"] as string, num(choice, "a"));
      const what = `${choice.fn}(${mode}=${fan}, ${choice.args["nonlinearity"]})`;
      if (choice.fn === "kaiming_normal") {
        const std = g / Math.sqrt(fan);
        return { fn: "randomNormal", args: { mean: 0, stddev: std }, describe: `${what}: N(0, ${fmt(std)}²)` };
      }
      const bound = g * Math.sqrt(3 / fan);
      return { fn: "randomUniform", args: { minval: -bound, maxval: bound }, describe: `${what}: U(±${fmt(bound)})` };
    }
    case "xavier_normal": {
      const std = num(choice, "gain") * Math.sqrt(2 / (fanIn + fanOut));
      return { fn: "randomNormal", args: { mean: 0, stddev: std }, describe: `xavier_normal: N(0, ${fmt(std)}²)` };
    }
    case "xavier_uniform": {
      const bound = num(choice, "gain") * Math.sqrt(6 / (fanIn + fanOut));
      return { fn: "randomUniform", args: { minval: -bound, maxval: bound }, describe: `xavier_uniform: U(±${fmt(bound)})` };
    }
    case "normal":
      return {
        fn: "randomNormal",
        args: { mean: num(choice, "mean"), stddev: num(choice, "std") },
        describe: `N(${num(choice, "mean")}, ${num(choice, "std")}²)`,
      };
    case "uniform":
      return {
        fn: "randomUniform",
        args: { minval: num(choice, "a"), maxval: num(choice, "b") },
        describe: `U(${num(choice, "a")}, ${num(choice, "b")})`,
      };
    case "constant":
      return { fn: "constant", args: { value: num(choice, "value") }, describe: `constant ${num(choice, "value")}` };
    case "zeros":
      return { fn: "zeros", args: {}, describe: "zeros" };
    case "ones":
      return { fn: "ones", args: {}, describe: "ones" };
    default: {
      // pytorch_default: kaiming_uniform(a=√5) for weights and U(±1/√fan_in) for biases both
      // come to U(±1/√fan_in).
      const bound = 1 / Math.sqrt(fanIn);
      return { fn: "randomUniform", args: { minval: -bound, maxval: bound }, describe: `PyTorch default: U(±${fmt(bound)})` };
    }
  }
}

export function initializersFor(settings: InitSettings) {
  return (role: InitRole, fanIn: number, fanOut: number): { kernel: InitCall; bias: InitCall } => ({
    kernel: initCall(settings[role], fanIn, fanOut),
    bias: initCall(settings.bias, fanIn, fanOut),
  });
}

/** A normalisation layer's γ and β: fan-free choices (sections.ts), so no fans are needed. */
export function normInitializersFor(settings: InitSettings) {
  return (): { weight: InitCall; bias: InitCall } => ({
    weight: initCall(settings.norm_weight, 1, 1),
    bias: initCall(settings.norm_bias, 1, 1),
  });
}
