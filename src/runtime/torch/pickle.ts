/**
 * A restricted unpickler for what torch.save writes for tensors in (nested, ordered) dicts: it
 * understands the opcodes of pickle protocols 2–5 that build dicts, lists, tuples, strings and
 * numbers, and exactly these globals:
 *
 *   collections.OrderedDict                       a state dict (and its `_metadata`)
 *   torch._utils._rebuild_tensor_v2               a tensor: (storage, offset, size, stride, …)
 *   torch._utils._rebuild_parameter               an nn.Parameter around a tensor
 *   torch.FloatStorage, HalfStorage, BFloat16Storage, DoubleStorage, LongStorage
 *                                                 a storage's type, in its persistent id
 *
 * Anything else (os.system, builtins.eval, any class) is refused with its name: no global is ever
 * looked up or called, REDUCE only applies the three functions above, by name, to plain data.
 * Storages are persistent ids ('storage', type, key, location, numel) that the caller resolves to
 * entries of the zip; the unpickler only records them.
 */
import type { TorchDtype } from "./dtypes.js";
import { refuse } from "./errors.js";

export interface StorageRef {
  kind: "storage";
  dtype: TorchDtype;
  key: string;
  numel: number;
}

export interface TensorRef {
  kind: "tensor";
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

/** A global the unpickler knows: its name, until something applies it. */
interface Global {
  kind: "global";
  name: string;
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | { kind: "tuple"; items: PickleValue[] }
  | Map<PickleValue, PickleValue>
  | TensorRef
  | StorageRef
  | Global;

const STORAGES: Record<string, TorchDtype> = {
  "torch.FloatStorage": "float32",
  "torch.HalfStorage": "float16",
  "torch.BFloat16Storage": "bfloat16",
  "torch.DoubleStorage": "float64",
  "torch.LongStorage": "int64",
};

/** Storage types torch has but alexc does not read: named in the error rather than called unknown. */
const OTHER_STORAGES = /^torch\.(Int|Short|Char|Byte|Bool|ComplexFloat|ComplexDouble|QInt8|QUInt8|QInt32|QUInt4x2)Storage$/;

const FUNCTIONS = new Set(["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter"]);

/** Bounds that no state dict comes near; a hostile pickle must not turn a few bytes into gigabytes. */
const MAX_STACK = 1_000_000;
const MAX_MEMO = 10_000_000;
const MAX_DIMS = 8;

const MARK = Symbol("mark");
type Slot = PickleValue | typeof MARK;

const isTuple = (v: unknown): v is { kind: "tuple"; items: PickleValue[] } =>
  typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "tuple";

export function unpickle(file: string, bytes: Uint8Array): PickleValue {
  const where = `${file} (data.pkl)`;
  const bad = (why: string): never => refuse(where, why);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const stack: Slot[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();

  const need = (n: number): number => {
    if (pos + n > bytes.length) bad(`ends in the middle of an instruction at byte ${pos}: the file is truncated`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => bytes[need(1)]!;
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => {
    const n = view.getBigUint64(need(8), true);
    if (n > BigInt(bytes.length)) bad(`declares a length of ${n} bytes in a ${bytes.length}-byte pickle`);
    return Number(n);
  };
  const text = (n: number): string => Buffer.from(bytes.subarray(need(n), pos)).toString("utf8");
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) bad("a GLOBAL name without its end of line: the file is truncated");
    const s = Buffer.from(bytes.subarray(pos, end)).toString("utf8");
    pos = end + 1;
    return s;
  };
  const push = (v: Slot): void => {
    if (stack.length >= MAX_STACK) bad(`more than ${MAX_STACK} values on the stack`);
    stack.push(v);
  };
  const pop = (): PickleValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks.at(-1)!))
      bad("pops an empty stack: not a pickle torch.save wrote");
    const v = stack.pop()!;
    if (v === MARK) bad("pops a mark: not a pickle torch.save wrote");
    return v as PickleValue;
  };
  const top = (): PickleValue => {
    const v = stack.at(-1);
    if (v === undefined || v === MARK) bad("refers to an empty stack");
    return v as PickleValue;
  };
  const popMark = (): PickleValue[] => {
    const at = marks.pop();
    if (at === undefined) bad("closes a mark that was never opened");
    return stack.splice(at!) as PickleValue[];
  };
  const memoize = (index: number): void => {
    if (memo.size >= MAX_MEMO) bad(`more than ${MAX_MEMO} memo entries`);
    memo.set(index, top());
  };
  const recall = (index: number): void => {
    if (!memo.has(index)) bad(`refers to memo entry ${index}, which was never stored`);
    push(memo.get(index)!);
  };
  const global = (name: string): Global => {
    if (FUNCTIONS.has(name) || name in STORAGES) return { kind: "global", name };
    if (OTHER_STORAGES.test(name))
      bad(`holds a tensor of type ${name}, which alexc does not read; convert it to float32 first (tensor.float())`);
    return bad(
      `asks for the Python global ${JSON.stringify(name)}, which a state dict of tensors never contains; alexc reads only tensors in dicts and executes nothing, so the file is refused`,
    );
  };
  const setItems = (target: PickleValue, items: PickleValue[]): void => {
    if (!(target instanceof Map)) bad("sets items on something that is not a dict");
    for (let i = 0; i + 1 < items.length; i += 2) (target as Map<PickleValue, PickleValue>).set(items[i]!, items[i + 1]!);
  };

  const reduce = (fn: PickleValue, args: PickleValue): PickleValue => {
    if (typeof fn !== "object" || fn === null || (fn as Global).kind !== "global" || !isTuple(args))
      bad("calls something that is not a known global");
    const name = (fn as Global).name;
    const a = (args as { items: PickleValue[] }).items;
    if (name === "collections.OrderedDict") {
      if (a.length !== 0) bad("builds an OrderedDict from arguments; torch.save builds it empty");
      return new Map();
    }
    if (name === "torch._utils._rebuild_parameter") {
      if (a.length < 1 || (a[0] as TensorRef | null)?.kind !== "tensor") bad("rebuilds a parameter from something that is not a tensor");
      return a[0]!;
    }
    if (name === "torch._utils._rebuild_tensor_v2") return tensor(a);
    return bad(`calls ${name}, which only names a type`);
  };

  const ints = (v: PickleValue, what: string): number[] => {
    const items = isTuple(v) ? v.items : Array.isArray(v) ? v : undefined;
    if (!items || items.length > MAX_DIMS || !items.every((n) => Number.isSafeInteger(n) && (n as number) >= 0))
      bad(`a tensor's ${what} is not a tuple of up to ${MAX_DIMS} whole numbers ≥ 0`);
    return items as number[];
  };

  const tensor = (a: PickleValue[]): TensorRef => {
    const storage = a[0] as StorageRef | undefined;
    if (a.length < 4 || storage?.kind !== "storage") bad("rebuilds a tensor without a storage");
    const offset = a[1];
    if (!Number.isSafeInteger(offset) || (offset as number) < 0) bad("a tensor's storage offset is not a whole number ≥ 0");
    const size = ints(a[2]!, "size");
    const stride = ints(a[3]!, "stride");
    if (size.length !== stride.length) bad(`a tensor has ${size.length} sizes but ${stride.length} strides`);
    // The last element the view reaches must lie inside its storage.
    const count = size.reduce((p, n) => p * n, 1);
    const last = count === 0 ? 0 : (offset as number) + size.reduce((p, n, i) => p + (n - 1) * stride[i]!, 0);
    if (count > 0 && last >= storage!.numel)
      bad(`a tensor of size [${size.join(", ")}] at offset ${offset} reaches element ${last} of a storage of ${storage!.numel}`);
    return { kind: "tensor", storage: storage!, offset: offset as number, size, stride };
  };

  const persistent = (pid: PickleValue): StorageRef => {
    const t = isTuple(pid) ? pid.items : undefined;
    const type = t?.[1] as Global | undefined;
    if (!t || t[0] !== "storage" || t.length < 5 || type?.kind !== "global" || !(type.name in STORAGES))
      bad("has a persistent id that is not a torch storage");
    const key = t![2];
    const numel = t![4];
    if (typeof key !== "string" || !/^[A-Za-z0-9_]{1,64}$/.test(key)) bad(`names the storage ${JSON.stringify(key)}, not a plain key`);
    if (!Number.isSafeInteger(numel) || (numel as number) < 0) bad("declares a storage size that is not a whole number");
    return { kind: "storage", dtype: STORAGES[type!.name]!, key: key as string, numel: numel as number };
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) bad("uses a pickle protocol above 5");
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length !== 0) bad("stops with a malformed stack");
        return pop();
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        push({ kind: "tuple", items: [] });
        break;
      case 0x74: // TUPLE
        push({ kind: "tuple", items: popMark() });
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const items = Array.from({ length: op - 0x84 }, pop).reverse();
        push({ kind: "tuple", items });
        break;
      }
      case 0x6c: // LIST
        push(popMark());
        break;
      case 0x64: {
        // DICT
        const d = new Map<PickleValue, PickleValue>();
        setItems(d, popMark());
        push(d);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) bad("appends to something that is not a list");
        (list as PickleValue[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) bad("appends to something that is not a list");
        (list as PickleValue[]).push(...items);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: // SETITEMS
        {
          const items = popMark();
          setItems(top(), items);
        }
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(u16());
        break;
      case 0x4a: // BININT
        push(view.getInt32(need(4), true));
        break;
      case 0x8a: {
        // LONG1: a little-endian two's complement integer of n bytes
        const n = u8();
        const at = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]!);
        if (n > 0 && bytes[at + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        push(view.getFloat64(need(8), false));
        break;
      case 0x58: // BINUNICODE
        push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        push(text(u64()));
        break;
      case 0x43: // SHORT_BINBYTES
        push(bytes.slice(need(u8()), pos));
        break;
      case 0x42: // BINBYTES
        push(bytes.slice(need(u32()), pos));
        break;
      case 0x71: // BINPUT
        memoize(u8());
        break;
      case 0x72: // LONG_BINPUT
        memoize(u32());
        break;
      case 0x94: // MEMOIZE
        memoize(memo.size);
        break;
      case 0x68: // BINGET
        recall(u8());
        break;
      case 0x6a: // LONG_BINGET
        recall(u32());
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        push(global(`${module}.${line()}`));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") bad("names a global with something that is not a string");
        push(global(`${module as string}.${name as string}`));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        push(reduce(pop(), args));
        break;
      }
      case 0x62: // BUILD: an OrderedDict's __dict__ (state_dict's _metadata); nothing else takes state.
        {
          pop();
          const target = top();
          if (!(target instanceof Map)) bad("sets the state of something that is not a dict");
        }
        break;
      case 0x51: // BINPERSID
        push(persistent(pop()));
        break;
      default:
        bad(
          `uses the pickle instruction 0x${op.toString(16).padStart(2, "0")} at byte ${pos - 1}, which torch.save does not write for tensors and dicts; the file is refused`,
        );
    }
  }
}
