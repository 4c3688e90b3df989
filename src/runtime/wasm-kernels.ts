/**
 * Gradient kernels for the tfjs wasm backend.
 *
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` (the first training step
 * of any conv net throws), and its `Conv2DBackpropInput` is a scalar loop that
 * costs about half of a training step. Both gradients are rewritten here as a
 * *forward* `Conv2D`, which wasm runs through XNNPACK's SIMD GEMM.
 *
 * Its `BatchMatMul` with a transposed operand, which is how a dense layer's
 * gradients are asked for, is 5–20× slower than the plain product (measured:
 * x^T·dy for [32,4608]·[32,2048] 640 ms, transpose(x)·dy 32 ms): those are
 * rewritten as plain products with explicit transposes of the small operand.
 *
 * The kernels call other wasm kernels' `kernelFunc`s directly rather than tf
 * ops: that keeps intermediates out of the engine (no tape, no tensor
 * tracking) and every intermediate is freed with `backend.disposeData`, so
 * `tf.memory().numTensors` and the backend's data-id count stay flat.
 */
import * as tf from "./tf.js";
import { BACKEND, isOurs, replaceKernel, restoreStock } from "./wasm-registry.js";

type Info = tf.TensorInfo;
type Shape4 = [number, number, number, number];
type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/** Runs a registered wasm kernel on TensorInfos; the caller owns the result. */
function run(backend: tf.KernelBackend, name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info {
  const kernel = tf.getKernel(name, BACKEND);
  if (kernel === undefined) throw new Error(`alexc: wasm kernel '${name}' is not registered`);
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  return Array.isArray(out) ? (out[0] as Info) : out;
}

function free(backend: tf.KernelBackend, ...infos: Info[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

function assertNHWC(dataFormat: string, kernel: string): void {
  // The wasm Conv2D itself only supports channels-last, so NCHW cannot work here either.
  if (dataFormat !== "NHWC") throw new Error(`alexc: wasm ${kernel} supports only dataFormat NHWC, got ${dataFormat}`);
}

/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} xPad[n, oh·s+kh, ow·s+kw, ci] · dy[n,oh,ow,co].
 * With x as [Cin,H,W,N] (batch↔channels swapped) and dy as an [OH,OW,N,Cout]
 * filter, that is a stride-1 conv whose dilation is the forward stride; it
 * yields [Cin,KH,KW,Cout], transposed back to the filter layout.
 */
function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = args.backend as tf.KernelBackend;
  const x = args.inputs["x"] as Info;
  const dy = args.inputs["dy"] as Info;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  assertNHWC(attrs.dataFormat, "Conv2DBackpropFilter");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth, padInfo } = info;

  // Padded-coordinate extent the forward pass actually read; anything past it
  // (inexact 'valid' division, generous explicit pads) contributes nothing.
  const usedRows = (outHeight - 1) * strideHeight + filterHeight - padInfo.top;
  const usedCols = (outWidth - 1) * strideWidth + filterWidth - padInfo.left;
  if (usedRows <= 0 || usedCols <= 0 || outHeight <= 0 || outWidth <= 0) {
    // Degenerate: the padding alone covered every window, so no x reached dy.
    return run(backend, "Fill", {}, { shape: attrs.filterShape, value: 0, dtype: "float32" });
  }
  // Rows/cols of x past what the forward pass read must not reach dW. Slicing them off x is a slow
  // strided copy of the largest tensor here (61 ms of conv1's 148 at batch 32); computing the few
  // extra output rows/cols and slicing the small result is cheaper, unless that multiplies the work.
  const extraRows = Math.max(inHeight - usedRows, 0);
  const extraCols = Math.max(inWidth - usedCols, 0);
  const sliceOutput = (filterHeight + extraRows) * (filterWidth + extraCols) <= 2 * filterHeight * filterWidth;
  const rows = sliceOutput ? inHeight : Math.min(usedRows, inHeight);
  const cols = sliceOutput ? inWidth : Math.min(usedCols, inWidth);
  const xc =
    rows < inHeight || cols < inWidth
      ? run(backend, "Slice", { x }, { begin: [0, 0, 0, 0], size: [batchSize, rows, cols, inChannels] })
      : undefined;
  const xt = run(backend, "Transpose", { x: xc ?? x }, { perm: [3, 1, 2, 0] });
  const dyt = run(backend, "Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
  // Bottom/right padding chosen so the conv yields filterHeight × filterWidth (plus any extra rows/cols).
  const pad: ExplicitPad = [
    [0, 0],
    [padInfo.top, Math.max(usedRows - rows, 0)],
    [padInfo.left, Math.max(usedCols - cols, 0)],
    [0, 0],
  ];
  const dw = run(
    backend,
    "Conv2D",
    { x: xt, filter: dyt },
    {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad,
      dataFormat: "NHWC",
      dimRoundingMode: "floor",
    },
  );
  const dwc =
    dw.shape[1] !== filterHeight || dw.shape[2] !== filterWidth
      ? run(backend, "Slice", { x: dw }, { begin: [0, 0, 0, 0], size: [inChannels, filterHeight, filterWidth, dw.shape[3]!] })
      : undefined;
  const out = run(backend, "Transpose", { x: dwc ?? dw }, { perm: [1, 2, 0, 3] });
  free(backend, xt, dyt, dw);
  if (xc !== undefined) free(backend, xc);
  if (dwc !== undefined) free(backend, dwc);
  return out;
}

/**
 * Largest strideH·strideW for which zero-inserting dy beats the stock kernel.
 * Measured at batch 8: product 4 (stride 2) is 1–2.6× faster, 9 about even,
 * 16 (AlexNet's 11×11/4 conv1, 3 input channels) 4× slower — that much of
 * the dilated conv multiplies zeros.
 */
const MAX_DILATED_STRIDE_PRODUCT = 4;

/**
 * dx is a forward conv of dy — with s−1 zeros inserted between its rows and
 * columns when the forward stride s > 1 — by the filter rotated 180° with its
 * in/out channels swapped; top/left padding becomes K−1−pad. Large strides,
 * NCHW and pads wider than the kernel go to the stock kernel.
 */
const conv2DBackpropInput =
  (stock: tf.KernelConfig): tf.KernelFunc =>
  (args) => {
    const backend = args.backend as tf.KernelBackend;
    const dy = args.inputs["dy"] as Info;
    const filter = args.inputs["filter"] as Info;
    const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (attrs.dataFormat !== "NHWC") return stock.kernelFunc(args);
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as Shape4,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
    const { batchSize, inHeight, inWidth, outHeight, outWidth, outChannels, strideHeight: sh, strideWidth: sw } = info;
    const top = info.filterHeight - 1 - info.padInfo.top;
    const left = info.filterWidth - 1 - info.padInfo.left;
    // Zero insertion also appends s−1 zero rows/cols after the last one: dy becomes OH·sh × OW·sw.
    const bottom = inHeight - outHeight * sh + info.padInfo.top;
    const right = inWidth - outWidth * sw + info.padInfo.left;
    const rows = outHeight * sh + Math.min(bottom, 0);
    const cols = outWidth * sw + Math.min(right, 0);
    if (sh * sw > MAX_DILATED_STRIDE_PRODUCT || top < 0 || left < 0 || rows <= 0 || cols <= 0) {
      return stock.kernelFunc(args);
    }
    const temps: Info[] = [];
    const keep = (t: Info): Info => {
      temps.push(t);
      return t;
    };
    let src = dy;
    if (sh > 1 || sw > 1) {
      const r6 = keep(run(backend, "Reshape", { x: dy }, { shape: [batchSize, outHeight, 1, outWidth, 1, outChannels] }));
      const zeros = [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ];
      const p6 = keep(run(backend, "PadV2", { x: r6 }, { paddings: zeros, constantValue: 0 }));
      src = keep(run(backend, "Reshape", { x: p6 }, { shape: [batchSize, outHeight * sh, outWidth * sw, outChannels] }));
    }
    // Negative bottom/right: the trailing rows/cols only ever met padding in the forward pass.
    if (rows < src.shape[1]! || cols < src.shape[2]!) {
      src = keep(run(backend, "Slice", { x: src }, { begin: [0, 0, 0, 0], size: [batchSize, rows, cols, outChannels] }));
    }
    const rotated = keep(run(backend, "Reverse", { x: filter }, { dims: [0, 1] }));
    const swapped = keep(run(backend, "Transpose", { x: rotated }, { perm: [0, 1, 3, 2] }));
    const pad: ExplicitPad = [
      [0, 0],
      [top, Math.max(bottom, 0)],
      [left, Math.max(right, 0)],
      [0, 0],
    ];
    const dx = run(
      backend,
      "Conv2D",
      { x: src, filter: swapped },
      {
        strides: [1, 1],
        dilations: [1, 1],
        pad,
        dataFormat: "NHWC",
        dimRoundingMode: "floor",
      },
    );
    free(backend, ...temps);
    return dx;
  };

/** A matrix view [rows, cols] of `shape` when every leading (batch) dimension is 1. */
function singleMatrix(shape: number[]): [number, number] | undefined {
  if (shape.length < 2 || shape.slice(0, -2).some((d) => d !== 1)) return undefined;
  return [shape[shape.length - 2]!, shape[shape.length - 1]!];
}

/**
 * C = op(A)·op(B) for single float32 matrices with a transposed operand, as a plain product:
 *   A^T·B   = transpose(A)·B                     (A is the small activation in dW = x^T·dy)
 *   A·B^T   = (B·transpose(A))^T  when A is the small one (dX = dy·W^T): XNNPACK repacks the
 *             right-hand operand on every call, so the big W goes on the left as it is stored;
 *           = A·transpose(B)       otherwise
 *   A^T·B^T = (B·A)^T
 * Batched products (any leading dimension above 1) and other dtypes keep the stock kernel.
 */
const batchMatMul =
  (stock: tf.KernelConfig): tf.KernelFunc =>
  (args) => {
    const backend = args.backend as tf.KernelBackend;
    const a = args.inputs["a"] as Info;
    const b = args.inputs["b"] as Info;
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const am = singleMatrix(a.shape);
    const bm = singleMatrix(b.shape);
    if ((!transposeA && !transposeB) || am === undefined || bm === undefined || a.dtype !== "float32" || b.dtype !== "float32") {
      return stock.kernelFunc(args);
    }
    const [m, k] = transposeA ? [am[1], am[0]] : am;
    const n = transposeB ? bm[0] : bm[1];
    if ((transposeB ? bm[1] : bm[0]) !== k) return stock.kernelFunc(args); // let tfjs report the mismatch
    const temps: Info[] = [];
    const keep = (t: Info): Info => {
      temps.push(t);
      return t;
    };
    const plain = (x: Info, y: Info): Info => keep(run(backend, "BatchMatMul", { a: x, b: y }, { transposeA: false, transposeB: false }));
    const transpose = (x: Info): Info => keep(run(backend, "Transpose", { x }, { perm: [1, 0] }));
    const A = keep(run(backend, "Reshape", { x: a }, { shape: am }));
    const B = keep(run(backend, "Reshape", { x: b }, { shape: bm }));
    let c: Info;
    if (transposeA && !transposeB) c = plain(transpose(A), B);
    else if (transposeA && transposeB) c = transpose(plain(B, A));
    else if (m * k + m * n < n * k) c = transpose(plain(B, transpose(A)));
    else c = plain(A, transpose(B));
    const rank = Math.max(a.shape.length, b.shape.length);
    const out = run(backend, "Reshape", { x: c }, { shape: [...new Array<number>(rank - 2).fill(1), m, n] });
    free(backend, ...temps);
    return out;
  };

const NAMES = ["Conv2DBackpropFilter", "Conv2DBackpropInput", "BatchMatMul"];

/**
 * Registers alexc's Conv2DBackpropFilter, Conv2DBackpropInput (stride ≤ 2) and
 * BatchMatMul (transposed operands) for the 'wasm' backend. Call before
 * `tf.setBackend('wasm')`. Idempotent. Returns the names of the kernels alexc
 * now supplies.
 */
export function registerWasmGradientKernels(): string[] {
  replaceKernel("Conv2DBackpropFilter", () => conv2DBackpropFilter);
  // These two fall back to the stock kernel for the cases they do not rewrite.
  replaceKernel("Conv2DBackpropInput", (stock) => stock && conv2DBackpropInput(stock));
  replaceKernel("BatchMatMul", (stock) => stock && batchMatMul(stock));
  return NAMES.filter(isOurs);
}

/**
 * Restores the stock wasm kernels (Conv2DBackpropFilter becomes missing
 * again). Meant for benchmarks and tests that compare against stock tfjs.
 */
export function unregisterWasmGradientKernels(): void {
  for (const name of NAMES) restoreStock(name);
}
