/**
 * The long form of every diagnostic, for `alexc explain CODE` and docs/diagnostics.md: what it
 * means, a minimal spec that raises it, and the fix. Tests check that each `example` really raises
 * its code and each `fixed` spec does not, so these pages cannot drift from the compiler.
 */
import type { Code } from "./catalogue.js";

export interface Explanation {
  meaning: string;
  /** A minimal spec that raises the code. */
  example: string;
  /** How to fix it, in words. */
  fix: string;
  /** The example, fixed. */
  fixed: string;
  /** For lock checks: the anet.lock.json the example is checked against (with --locked). */
  lock?: string;
  /** The lock the fixed example is checked against, when the fix is to the lock itself. */
  fixedLock?: string;
  /** For file-level findings: the reader's refusal the example meets (the fixed one is read normally). */
  refusedAs?: string;
}

/** A spec around `body`, ending in the class scores that training needs (else every example would also raise E0204). */
const small = (body: string): string => `model m {\n  input 3x32x32\n${body}\n  flatten\n  dense(10)\n}\n`;

export const explanations: Record<Code, Explanation> = {
  E0001: {
    meaning:
      "The file contains a character that cannot begin any .anet token: not a letter, digit, operator, bracket, quote or comment. Often a stray paste, a smart quote, or a `@`/`$` from another language.",
    example: small("  conv(16, kernel=3) @"),
    fix: "Delete the character, or put it in a comment (`// …`, `# …`, `/* … */`). Strings use straight double quotes.",
    fixed: small("  conv(16, kernel=3)  // @"),
  },
  E0002: {
    meaning:
      "The text does not follow the grammar (see grammar/diagrams.html). alexc recovers and reports every such place in one run, one per line.",
    example: small("  conv(16, kernel=3 stride=1)"),
    fix: "Arguments are separated by commas; layers are `kind(arguments)`; blocks and sections are closed with `}`.",
    fixed: small("  conv(16, kernel=3, stride=1)"),
  },
  E0003: {
    meaning:
      "Brackets (with unary minus and `**`, which nest the same way) are nested more than 64 deep, or one expression has more than 1,000 operators. No network needs either; the limits keep alexc from running out of stack on generated or hostile input (it reports this instead of crashing).",
    example: small(`  conv(${"(".repeat(300)}8${")".repeat(300)}, kernel=3)`),
    fix: "Simplify the expression, or compute parts of it in `param` declarations.",
    fixed: small("  conv(8, kernel=3)"),
  },
  E0004: {
    meaning:
      "A line holds bytes that are not UTF-8, typically a Latin-1 or Windows-1252 character (`é` saved as the single byte 0xE9) in a comment. alexc reads specs as UTF-8 only and does not guess encodings; the bytes are kept as they are, so `alexc fmt` refuses the file instead of rewriting them as U+FFFD.",
    example: small("  // caf\udce9 au lait\n  conv(16, kernel=3)"),
    fix: "Convert the file to UTF-8 (`iconv -f latin1 -t utf-8 old.anet > new.anet`) or retype the character in an editor that saves UTF-8.",
    fixed: small("  // café au lait\n  conv(16, kernel=3)"),
  },
  E0005: {
    meaning:
      'A string uses a backslash escape other than `\\"`, `\\\\`, `\\n` and `\\t`, or holds a raw control character (a TAB included). Strings have exactly these escapes so that every string has one meaning; a Windows path `C:\\data` would otherwise read `\\d` as an escape. (A string with no closing quote was E0005 before; it is E0160.)',
    example: small('  conv(16, kernel=3) allow inexact "C:\\data"'),
    fix: "Write `\\\\` for a backslash (or use `/` in paths, which works on Windows too), and `\\t` for a tab.",
    fixed: small("  conv(16, kernel=3)"),
  },
  E0006: {
    meaning:
      "A `/*` comment is never closed, so it runs to the end of the file and swallows everything after it. Reported where the comment starts.",
    example: small("  /* conv(8, kernel=3)\n  conv(16, kernel=3)"),
    fix: "Close the comment with `*/`, or use `//` for a one-line comment.",
    fixed: small("  /* conv(8, kernel=3) */\n  conv(16, kernel=3)"),
  },
  E0007: {
    meaning:
      "A file produced more than 100 diagnostics; the first 100 (in file order) are shown, the rest counted. This keeps the output of a binary or badly damaged file readable and bounded (a megabyte of random bytes would otherwise print tens of thousands of errors). The error and warning totals still count every finding, and when only warnings are hidden this is a warning, so it never fails a check by itself.",
    example: small(Array.from({ length: 120 }, () => "  conv(16, kernel=3) @").join("\n")),
    fix: "Fix the first errors and check again; if the file is not a spec at all, check the path.",
    fixed: small("  conv(16, kernel=3)"),
  },
  E0008: {
    meaning:
      "`alexc check` was given (or found in a directory or glob) a spec path that is not a regular file of at most 4 MiB: a FIFO, a device such as /dev/zero, a kernel file such as /proc/self/environ (through a symlink, say, in a pull request), or a file too large to be a spec. It is not read, so its content never reaches the output, and the other specs are still checked; single-file commands (compile, graph, …) refuse it with exit status 2.",
    example: "-> /dev/zero (a symlink committed as example.anet)\n",
    refusedAs: "is a character device, not a regular file: refusing to read it as a .anet file",
    fix: "Replace the link or special file with the spec itself.",
    fixed: "model m {\n  input 3x32x32\n  flatten\n  dense(10)\n}\n",
  },
  E0101: {
    meaning:
      "An expression uses a name that is not a declared parameter. Names in expressions refer only to `param` declarations (declared earlier, for use in another parameter's default).",
    example: small("  conv(channels, kernel=3)"),
    fix: "Declare it (`param channels: int = 16`) or correct the spelling; the message suggests the closest declared name.",
    fixed: "model m {\n  param channels: int = 16\n  input 3x32x32\n  conv(channels, kernel=3)\n  flatten\n  dense(10)\n}\n",
  },
  E0102: {
    meaning: "Two `param` declarations have the same name.",
    example: "model m {\n  param n = 1\n  param n = 2\n  input 3x32x32\n  flatten\n  dense(10)\n}\n",
    fix: "Remove or rename one of them.",
    fixed: "model m {\n  param n = 1\n  input 3x32x32\n  flatten\n  dense(10)\n}\n",
  },
  E0103: {
    meaning: "A layer names a kind alexc does not know. Kinds: conv, relu, maxpool, dropout, flatten, dense.",
    example: small("  convolution(16, kernel=3)"),
    fix: "Use one of the known kinds; the message suggests the closest.",
    fixed: small("  conv(16, kernel=3)"),
  },
  E0104: {
    meaning:
      "A layer (or an init/train choice) is given an argument it does not take, or more unnamed arguments than it has positions for.",
    example: small("  conv(16, kernel_size=3)"),
    fix: "Use the argument names of the table in docs/language.md (`kernel`, not PyTorch's `kernel_size`).",
    fixed: small("  conv(16, kernel=3)"),
  },
  E0105: {
    meaning:
      "A required layer argument is missing: conv needs its output channels and kernel, maxpool its kernel, dense its output features.",
    example: small("  conv(16)"),
    fix: "Give the argument.",
    fixed: small("  conv(16, kernel=3)"),
  },
  E0106: {
    meaning:
      "A value has the wrong form for its place: a list where one number goes, a string in arithmetic, a record without `h` and `w`, or a setting that takes one of a few words given another. (An unknown parameter type, a function called with the wrong number of arguments and an `allow` without a reason were E0106 before; they are E0118, E0119 and E0122.)",
    example: small("  conv([16, 32], kernel=3)"),
    fix: "Give one number where one number goes; use `HxW` or `{h: …, w: …}` only for window sizes and padding.",
    fixed: small("  conv(16, kernel=3)"),
  },
  E0107: {
    meaning:
      "Two layers (or a layer and a block) share a name. Names identify layers in reports and in the generated model, so they must be unique across the model.",
    example: small("  c1: conv(16, kernel=3)\n  c1: conv(16, kernel=3)"),
    fix: "Rename one, or leave names out: unnamed layers are numbered automatically.",
    fixed: small("  c1: conv(16, kernel=3)\n  c2: conv(16, kernel=3)"),
  },
  E0108: {
    meaning: "The same argument or setting is given twice, e.g. once by position and once by name.",
    example: small("  conv(16, kernel=3, kernel=5)"),
    fix: "Keep one.",
    fixed: small("  conv(16, kernel=5)"),
  },
  E0109: {
    meaning: "An expression divides (or takes a remainder) by zero, or raises zero to a negative power.",
    example: "model m {\n  param groups = 0\n  input 3x32x32\n  conv(64 / groups, kernel=3)\n  flatten\n  dense(10)\n}\n",
    fix: "Check the parameter values that lead to the zero; bound parameters with `where > 0`.",
    fixed: "model m {\n  param groups = 1 where > 0\n  input 3x32x32\n  conv(64 / groups, kernel=3)\n  flatten\n  dense(10)\n}\n",
  },
  E0110: {
    meaning:
      "A size is not a whole number. Arithmetic in specs is exact, so `96 * 0.3` is 28.8 and never silently becomes 28. The message lists what round, floor, ceil and make_divisible(…, 8) would give.\n\nArithmetic: 96 × 0.3 = 28.8; round → 29, floor → 28, ceil → 29, make_divisible(28.8, 8) → 32.",
    example: "model m {\n  param width = 0.3\n  input 3x32x32\n  conv(96 * width, kernel=3)\n  flatten\n  dense(10)\n}\n",
    fix: "Say how to round: `round(96 * width)`, `floor(…)`, `ceil(…)`, or `make_divisible(96 * width, 8)` (MobileNet's rule).",
    fixed: "model m {\n  param width = 0.3\n  input 3x32x32\n  conv(make_divisible(96 * width, 8), kernel=3)\n  flatten\n  dense(10)\n}\n",
  },
  E0111: {
    meaning:
      "A value is outside the range its place allows: sizes and strides ≥ 1, padding ≥ 0, dropout in [0, 1), pooling padding at most half the kernel. (A number too large to compute was E0111 before; it is E0123. A parameter outside its declared `where` bounds is E0161, a [low, high] pair written high first E0167.)",
    example: small("  conv(16, kernel=3, stride=0)"),
    fix: "Use a value in range; the message names the range.",
    fixed: small("  conv(16, kernel=3, stride=1)"),
  },
  E0112: {
    meaning:
      "The model's `input` is not three sizes, channels x height x width. (A missing input was E0112 before; it is E0162. A second input is E0163, and one that looks like height x width x channels E0164.)",
    example: "model m {\n  input 32x32\n  flatten\n  dense(10)\n}\n",
    fix: "Declare the input as C x H x W: `input 3x32x32`.",
    fixed: small("  conv(16, kernel=3)"),
  },
  E0113: {
    meaning:
      "A section (`init`, `train`, `matrix`), or a setting inside one, that alexc does not know. (An unknown choice for a setting, such as `flip = vertical`, was E0113 before; it is E0165. A section written twice is E0166.)",
    example: small("  train { optimiser = adam(lr=0.001) }"),
    fix: "Use the names of docs/language.md; the message suggests the closest.",
    fixed: small("  train { optimizer = adam(lr=0.001) }"),
  },
  E0114: {
    meaning:
      "A parameter assignment from `--set`, a variant or a matrix names a parameter the spec does not declare, or `--variant` names a variant it does not have. (A fraction for an int parameter from `--set` was E0114 before; it is E0110 wherever it is written. A value outside the declared bounds from `--set` is E0161.)",
    example:
      "model m {\n  param num_classes: int = 10\n  input 3x32x32\n  flatten\n  dense(num_classes)\n  variant five { num_clases = 5 }\n}\n",
    fix: "Use a declared parameter or variant name (the message suggests the closest).",
    fixed:
      "model m {\n  param num_classes: int = 10\n  input 3x32x32\n  flatten\n  dense(num_classes)\n  variant five { num_classes = 5 }\n}\n",
  },
  E0115: {
    meaning: "An expression calls a function that does not exist. Expressions offer floor, ceil, round, make_divisible, min and max.",
    example: small("  conv(int(16.0), kernel=3)"),
    fix: "Use one of the offered functions.",
    fixed: small("  conv(round(16.0), kernel=3)"),
  },
  E0116: {
    meaning: "An `allow` clause names something that is not a warning that can be acknowledged. Allowable: inexact.",
    example: small('  conv(16, kernel=3, stride=2) allow inexcat "floors like PyTorch"'),
    fix: 'Name the warning by its short name, e.g. `allow inexact "reason"`.',
    fixed: small('  conv(16, kernel=3, stride=2) allow inexact "floors like PyTorch"'),
  },
  E0117: {
    meaning:
      "A layer or block name starts with `_`. Names become TensorFlow.js layer names, and tfjs accepts only names that start with a letter or digit (it throws `Not a valid tensor name` when the model is built).",
    example: small("  _stem: conv(16, kernel=3)"),
    fix: "Start the name with a letter.",
    fixed: small("  stem: conv(16, kernel=3)"),
  },
  E0118: {
    meaning: "A parameter declares a type other than `int` or `float` (`param n: long = 16`).",
    example: "model m {\n  param n: long = 16\n  input 3x32x32\n  conv(n, kernel=3)\n  flatten\n  dense(10)\n}\n",
    fix: "Write `int` for sizes and counts, `float` for rates, or leave the type out: a whole-number default makes it `int`.",
    fixed: "model m {\n  param n: int = 16\n  input 3x32x32\n  conv(n, kernel=3)\n  flatten\n  dense(10)\n}\n",
  },
  E0119: {
    meaning:
      "A function of expressions is called with the wrong number of arguments, or with a name, list or record where it takes plain numbers: `floor`, `ceil` and `round` take one number, `make_divisible`, `min` and `max` two.",
    example: small("  conv(max(16), kernel=3)"),
    fix: "Give the function as many numbers as it takes.",
    fixed: small("  conv(max(16, 8), kernel=3)"),
  },
  E0120: {
    meaning:
      "A per-channel setting of the `data` section (`mean`, `std`) lists a number of values that is neither one (for every channel) nor the input's channel count.",
    example: "model m {\n  input 3x32x32\n  flatten\n  dense(10)\n  data {\n    mean = [0.5, 0.5]\n  }\n}\n",
    fix: "Give one value for every channel, or one value per channel in channel order.",
    fixed: "model m {\n  input 3x32x32\n  flatten\n  dense(10)\n  data {\n    mean = [0.485, 0.456, 0.406]\n  }\n}\n",
  },
  E0121: {
    meaning:
      "A `matrix` section whose axes multiply to more than 4,096 combinations. Each combination is a full check whose result is kept, so the count is computed before any is built: 100 values on each of four axes would otherwise take hours and gigabytes.",
    example: `model m {\n  param a: int = 1\n  param b: int = 1\n  input 3x32x32\n  flatten\n  dense(10)\n  matrix {\n    a = [${Array.from({ length: 65 }, (_, i) => i + 1).join(", ")}]\n    b = [${Array.from({ length: 65 }, (_, i) => i + 1).join(", ")}]\n  }\n}\n`,
    fix: "Check fewer values per axis, or split the matrix across specs; `alexc variants --set a=1,2,4` checks a grid from the command line under the same limit.",
    fixed:
      "model m {\n  param a: int = 1\n  param b: int = 1\n  input 3x32x32\n  flatten\n  dense(10)\n  matrix {\n    a = [1, 2, 4]\n    b = [1, 2]\n  }\n}\n",
  },
  E0122: {
    meaning:
      "An `allow` clause acknowledges a warning without saying why. The reason is what a reviewer reads instead of the warning, so it may not be empty.",
    example: small('  conv(16, kernel=3, stride=2) allow inexact ""'),
    fix: "Write why the warning is acceptable here.",
    fixed: small('  conv(16, kernel=3, stride=2) allow inexact "matches the reference model"'),
  },
  E0123: {
    meaning:
      "A number or size beyond what alexc computes exactly: a literal with too many digits or an exponent out of range, an expression whose value needs more than 4096 bits, or a feature map of more than 2^53 values to flatten. alexc computes sizes as exact fractions, so it refuses rather than round.",
    example: small("  conv(16, kernel=1e999999)"),
    fix: "Use a size that fits a real network; the message names the expression.",
    fixed: small("  conv(16, kernel=3)"),
  },
  E0160: {
    meaning:
      'A string has no closing `"` on its line. Strings cannot span lines, so the rest of the line is read as the string and the parser stops at the line end.',
    example: small('  conv(16, kernel=3, stride=2) allow inexact "floors like PyTorch'),
    fix: 'Close the string with `"` on the same line.',
    fixed: small('  conv(16, kernel=3, stride=2) allow inexact "floors like PyTorch"'),
  },
  E0161: {
    meaning:
      "A parameter's value, its default or one set by a variant, a matrix or `--set`, breaks a bound its declaration states with `where` (`param num_classes: int = 10 where >= 2`). The bound is the spec author's, so the message shows it and where the value came from.",
    example:
      "model m {\n  param num_classes: int = 10 where >= 2\n  input 3x32x32\n  flatten\n  dense(num_classes)\n  variant one { num_classes = 1 }\n}\n",
    fix: "Give a value inside the bounds, or change the bound if it is wrong.",
    fixed:
      "model m {\n  param num_classes: int = 10 where >= 2\n  input 3x32x32\n  flatten\n  dense(num_classes)\n  variant two { num_classes = 2 }\n}\n",
  },
  E0162: {
    meaning: "The model has no `input` line, so nothing after it has a shape.",
    example: "model m {\n  conv(16, kernel=3)\n}\n",
    fix: "Declare the input as C x H x W: `input 3x224x224`.",
    fixed: small("  conv(16, kernel=3)"),
  },
  E0163: {
    meaning: "The model declares its input more than once; which one is meant is not clear, so neither is taken.",
    example: "model m {\n  input 3x32x32\n  input 3x64x64\n  flatten\n  dense(10)\n}\n",
    fix: "Keep one `input` line; put other sizes in variants (`variant big { input 3x64x64 }`) or try them with `alexc inputs`.",
    fixed: small(""),
  },
  E0164: {
    meaning:
      "The input reads as C×H×W with a small last size and two large, similar first ones (`input 224x224x3`): almost certainly height × width × channels, the order of NumPy, PIL and TensorFlow's default. alexc reads channels first, as PyTorch does, so it says this once at the input rather than reporting a 224-channel convolution.",
    example: "model m {\n  input 32x32x3\n  conv(16, kernel=5)\n  flatten\n  dense(10)\n}\n",
    fix: "Write the input channels first: `input 3x32x32`.",
    fixed: small("  conv(16, kernel=5)"),
  },
  E0165: {
    meaning: "A setting that takes one of a few choices (`flip`, `optimizer`, `schedule` …) is given a name it does not offer.",
    example: small("  data { flip = vertical }"),
    fix: "Use one of the choices the help lists (docs/language.md describes each).",
    fixed: small("  data { flip = horizontal }"),
  },
  E0166: {
    meaning:
      "A section (`init`, `train`, `data`, `matrix`) is written twice in one model; alexc would otherwise have to guess which settings win.",
    example: small("  train { epochs = 2 }\n  train { batch = 8 }"),
    fix: "Merge the two into one section.",
    fixed: small("  train {\n    epochs = 2\n    batch = 8\n  }"),
  },
  E0167: {
    meaning: "A [low, high] range (such as `random_resized_crop`'s `scale` or `ratio`) has its low end above its high end.",
    example: small("  data { train = random_resized_crop(scale=[1, 0.08]) }"),
    fix: "Write the low end first.",
    fixed: small("  data { train = random_resized_crop(scale=[0.08, 1]) }"),
  },
  E0130: {
    meaning:
      "A `pad` layer takes its amounts one way: `pad(P)` with P, [P1, P2] or {h, w}, or the four sides by name as PyTorch's nn.ZeroPad2d((left, right, top, bottom)). Both at once would be ambiguous.",
    example: small("  pad(1, left=2)"),
    fix: "Give the amounts once.",
    fixed: small("  pad(left=2, right=1, top=1, bottom=1)"),
  },
  E0131: {
    meaning:
      "`same` is a rule for a window's padding (pad so that the output is input / stride, rounded up); a `pad` layer has no window, so it has nothing to compute from. Its amounts are given as numbers.",
    example: small("  pad(same)"),
    fix: "Give the amounts: pad(P), pad([P1, P2]), pad({h, w}) or the four sides by name.",
    fixed: small("  pad(1)"),
  },

  E0201: {
    meaning:
      "A dense layer declares its in-features (`dense(128*6*6 -> 2048)`), and a different number reaches it. This is PyTorch's `mat1 and mat2 shapes cannot be multiplied`, found before training. The message shows which layer produced the feature map and the expression that would be right, and which input sizes would make the declared size right.\n\nArithmetic: the last feature map is C×H×W; flatten gives C·H·W, e.g. 128 × 6 × 6 = 4608 ≠ 128 × 5 × 5 = 3200.",
    example: "model m {\n  input 3x32x32\n  conv(8, kernel=3)\n  flatten\n  dense(8*32*32 -> 10)\n}\n",
    fix: "Write the produced size (the message gives the expression), leave the in-features out (`dense(10)`), or change the input to one of the sizes listed.",
    fixed: "model m {\n  input 3x32x32\n  conv(8, kernel=3)\n  flatten\n  dense(8*30*30 -> 10)\n}\n",
  },
  E0202: {
    meaning:
      "A convolution or pooling window is larger than its (padded) input, so the layer's output would have no rows or columns. Usually the input image is too small for the network. The message names the layer, the size it got, the smallest input for which every layer fits and, when a dense layer declares its size, the inputs that match it.\n\nArithmetic: N = floor((W − F + P1 + P2) / S) + 1 < 1 exactly when W + P1 + P2 < F.",
    example: "model m {\n  input 3x4x4\n  conv(8, kernel=5)\n  flatten\n  dense(10)\n}\n",
    fix: "Use a larger input (the message gives the smallest that fits), a smaller kernel, more padding, or fewer downsampling layers.",
    fixed: "model m {\n  input 3x8x8\n  conv(8, kernel=5)\n  flatten\n  dense(10)\n}\n",
  },
  E0203: {
    meaning:
      "A layer gets a tensor of the wrong rank: dense needs a flat vector (flatten first), conv and maxpool need a C×H×W feature map (they must come before flatten). A model that ends in a feature map is E0204.",
    example: small("  dense(10)"),
    fix: "Insert `flatten` between the feature layers and the first dense layer.",
    fixed: "model m {\n  input 3x32x32\n  flatten\n  dense(10)\n}\n",
  },
  E0204: {
    meaning:
      "Every spec compiles to a training program whose loss, cross_entropy, compares the model's last output with the class labels, so the model must end in a flat vector of class scores. A model that ends in a C×H×W feature map (a backbone without its classifier) checks layer by layer but cannot be trained. Earlier versions reported it as E0203, and only in `alexc compile`; `alexc check` reports it too, so the two agree.",
    example: "model m {\n  input 3x32x32\n  conv(8, kernel=3)\n}\n",
    fix: "End the model with `flatten` and `dense(num_classes)`.",
    fixed: small("  conv(8, kernel=3)"),
  },
  E0210: {
    meaning:
      'A grouped convolution (`groups = g`, the AlexNet paper\'s two-GPU split) divides its input and its output channels into g equal groups, each convolved only with its own; both counts must be divisible by g. PyTorch refuses the layer with "in_channels must be divisible by groups". The message names the nearest channel counts that divide and the group counts that divide both.',
    example: small("  conv(16, kernel=3, groups=2)"),
    fix: "Change the channels (the input's or the layer before's, or this layer's output) to a multiple of g, or use a group count that divides both.",
    fixed: small("  conv(16, kernel=3)\n  conv(32, kernel=3, groups=2)"),
  },
  E0220: {
    meaning:
      "Reflect padding mirrors the input about its edge row without repeating it, so it can add at most size − 1 rows or columns on a side. PyTorch's nn.ReflectionPad2d refuses more (Padding size should be less than the corresponding input dimension), and so does alexc, naming the layer and the size that reaches it.",
    example: small("  conv(8, kernel=3, stride=16)\n  pad(2, mode=reflect)"),
    fix: "Pad less, pad earlier where the map is larger, or use mode=replicate, which repeats the edge and has no limit.",
    fixed: small("  conv(8, kernel=3, stride=16)\n  pad(2, mode=replicate)"),
  },
  W0301: {
    meaning:
      "A window does not tile its padded input exactly, so the last rows or columns are never covered; PyTorch, TensorFlow and Caffe all drop them silently. Harmless when intended (the seed's padding=2 conv1 floors 55.25 to 55), a bug when not. The message says how many rows and columns are dropped and which padding or input size divides exactly.\n\nArithmetic: (W − F + P1 + P2) mod S rows are dropped; e.g. (224 − 11 + 2 + 2) mod 4 = 1.",
    example: small("  conv(16, kernel=3, stride=2)"),
    fix: 'Change the padding or the input as suggested, or acknowledge it on the layer: `conv(…) allow inexact "reason"`. Acknowledged warnings are still reported, marked as such, and do not fail --deny-warnings.',
    fixed: small("  conv(16, kernel=3, stride=2, padding=[1, 0])  // (32 − 3 + 1 + 0) / 2 + 1 = 16, exact"),
  },
  E0401: {
    meaning:
      "`alexc check --locked` compares every spec and variant with anet.lock.json, written by `alexc lock`. A change to input, output, params or MACs fails the check and shows old and new, so a pull request that silently changes a model's size is caught in review (like `buf breaking`).",
    example: "model m {\n  param classes: int = 20\n  input 3x32x32\n  flatten\n  dense(classes)\n}\n",
    lock: JSON.stringify({
      version: 1,
      specs: { "example.anet": { base: { input: [3, 32, 32], output: [10], params: "30730", macs: "30720" } } },
    }),
    fix: "If the change is intended, run `alexc lock` and commit anet.lock.json with it; otherwise undo the change.",
    fixed: "model m {\n  param classes: int = 10\n  input 3x32x32\n  flatten\n  dense(classes)\n}\n",
  },
  E0402: {
    meaning:
      "`alexc check --locked` found an entry in anet.lock.json that is not what `alexc lock` writes: a size that is not a list of whole numbers, or params/MACs that are not decimal strings. Usually a hand edit or a mangled merge; the entry is reported instead of being trusted.",
    example: "model m {\n  input 3x32x32\n  flatten\n  dense(10)\n}\n",
    lock: JSON.stringify({
      version: 1,
      specs: { "example.anet": { base: { input: "3x32x32", output: [10], params: "30730", macs: "30720" } } },
    }),
    fix: "Run `alexc lock` to rewrite the entry, and commit anet.lock.json.",
    fixedLock: JSON.stringify({
      version: 1,
      specs: { "example.anet": { base: { input: [3, 32, 32], output: [10], params: "30730", macs: "30720" } } },
    }),
    fixed: "model m {\n  input 3x32x32\n  flatten\n  dense(10)\n}\n",
  },
  W0302: {
    meaning:
      "An `allow` clause acknowledges a warning that the layer does not raise (any more). Stale acknowledgements hide nothing today but would hide a future problem.",
    example: small('  conv(16, kernel=3, padding=1) allow inexact "old reason"'),
    fix: "Remove the clause.",
    fixed: small("  conv(16, kernel=3, padding=1)"),
  },
  W0310: {
    meaning:
      "A max-pool in ceil mode (`ceil_mode=true`, PyTorch's ceil_mode=True) whose output size is not the same everywhere: ceil mode keeps the last, partial window, TensorFlow/Keras have no ceil mode (floor), and Caffe ceils too but applies PyTorch's rule that the last window must start inside the input or its leading padding only when the layer has padding (pytorch#57178). alexc follows PyTorch and lowers ceil mode to −∞ padding at the bottom/right, so the generated tfjs model has PyTorch's size. The message gives each framework's result.\n\nArithmetic: N = ceil((W − F + P1 + P2) / S) + 1, less one when (N − 1)·S ≥ W + P1; e.g. 56 with a 3×3 window, stride 2: ceil(26.5) + 1 = 28, where floor gives 27.",
    example: "model m {\n  input 3x56x56\n  maxpool(3, stride=2, ceil_mode=true)\n  flatten\n  dense(10)\n}\n",
    fix: "Acknowledge it when the model is meant for PyTorch's (or Caffe's) rule: `maxpool(…) allow ceil_mode \"reason\"`; or choose an input that the window tiles exactly, where every rule agrees; or drop ceil_mode for floor mode everywhere.",
    fixed: "model m {\n  input 3x55x55\n  maxpool(3, stride=2, ceil_mode=true)\n  flatten\n  dense(10)\n}\n",
  },
  W0311: {
    meaning:
      "`padding=same` is resolved with TensorFlow's rule, total = max((ceil(W/S) − 1)·S + F − W, 0), with the odd row or column at the bottom/right. Caffe and PyTorch's integer padding are symmetric, so they give a different size (or windows shifted by one), and PyTorch's padding='same' rejects strided convolutions. The message gives TensorFlow's padding and size and the symmetric alternative's.",
    example: small("  conv(16, kernel=4, padding=same)"),
    fix: 'Write the padding out (`padding=[1, 2]`), which states the asymmetry and ports as nn.ZeroPad2d before an unpadded layer; or use an odd kernel with stride 1, where same is symmetric; or acknowledge it: `allow same_padding "reason"`.',
    fixed: small("  conv(16, kernel=4, padding=[1, 2])"),
  },
  W0312: {
    meaning:
      "LRN's alpha has two conventions. PyTorch's nn.LocalResponseNorm and Caffe divide it by the size: b = a / (k + alpha/size · Σ a²)^beta. The AlexNet paper's formula and TensorFlow's tf.nn.local_response_normalization do not: b = a / (k + alpha · Σ a²)^beta, with a depth radius instead of a size. alexc's lrn follows PyTorch (and converts for tfjs), so an alpha copied from the paper or TensorFlow code is size times too weak. Raised where alpha is written out (the default is PyTorch's), and for even sizes, which only PyTorch accepts.",
    example: small("  lrn(5, alpha=1e-4, beta=0.75, k=2)"),
    fix: 'If alpha comes from the paper or TensorFlow, multiply it by the size (the message gives the number); if it comes from PyTorch or Caffe, acknowledge it: `lrn(…) allow lrn_alpha "reason"`. Use an odd size.',
    fixed: small("  lrn(5, beta=0.75, k=2)  // alpha: PyTorch's default 1e-4, divided by size"),
  },
  W0313: {
    meaning:
      "The dense layer's declared in-features do not fit this input, the input does not tile the first convolution or pooling exactly, and the nearest input that does tile it fits them. Convolutions floor leftover rows silently in PyTorch, Caffe and TensorFlow alike, so one architecture ported at two input sizes diverges from the first layer on. AlexNet is the classic case: the paper says 224×224, but its 11×11 stride-4 conv1 tiles 227×227, which Caffe's model takes; at 224 the classifier gets 256×5×5 = 6400 features instead of 9216. The message traces both sizes through the network.",
    example: "model m {\n  input 3x32x32\n  conv(8, kernel=3, stride=2)\n  flatten\n  dense(8*16*16 -> 10)\n}\n",
    fix: "Use the input the message names, or pad the first layer as it suggests (the seed's table pads AlexNet's conv1 [1, 2] at 224); or acknowledge it on that layer: `allow input_size \"reason\"`.",
    fixed: "model m {\n  input 3x33x33\n  conv(8, kernel=3, stride=2)\n  flatten\n  dense(8*16*16 -> 10)\n}\n",
  },
  W0330: {
    meaning:
      "alexc's trainer computes the loss as softmax cross-entropy on the model's output (nn.CrossEntropyLoss), and predict applies softmax to it, so the network ends in logits. A `softmax` as the last layer (flattens after it do not count) says the scores are probabilities and lowers to an identity, so softmax is applied exactly once; a softmax with other layers after it is applied where it stands, which squashes the values those layers receive and is rarely meant.",
    example: "model m {\n  input 1x4x4\n  flatten\n  dense(8)\n  softmax\n  dense(3)\n}\n",
    fix: 'Move the softmax to the end, or remove it; if a softmax in the middle is meant, acknowledge it: `softmax allow softmax_not_last "reason"`.',
    fixed: "model m {\n  input 1x4x4\n  flatten\n  dense(8)\n  dense(3)\n  softmax\n}\n",
  },
};
