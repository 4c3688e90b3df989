/**
 * The zip container torch.save writes (PyTorch ≥ 1.6): `<archive>/data.pkl` and one entry per
 * storage, `<archive>/data/<key>`, stored uncompressed. Only what that needs is read: the central
 * directory (zip64 included), stored and deflated entries. Entries are looked up by exact name and
 * returned as views of the file's bytes; nothing is extracted to disk, so no entry name can reach
 * the file system. Every offset and size is checked against the file before it is used.
 */
import { inflateRawSync } from "node:zlib";
import { BadWeightFile, refuse } from "./errors.js";

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  headerOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 1_000_000;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export class ZipReader {
  private readonly view: DataView;
  readonly entries = new Map<string, ZipEntry>();

  constructor(
    private readonly file: string,
    private readonly bytes: Uint8Array,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readDirectory();
  }

  private bad(why: string): never {
    return refuse(this.file, `not a readable torch.save zip file: ${why}`);
  }

  private u16 = (at: number): number => this.view.getUint16(at, true);
  private u32 = (at: number): number => this.view.getUint32(at, true);
  private u64(at: number): number {
    const n = this.view.getBigUint64(at, true);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) this.bad(`a zip64 size or offset of ${n} bytes`);
    return Number(n);
  }

  private need(at: number, length: number, what: string): void {
    if (at < 0 || length < 0 || at + length > this.bytes.length)
      this.bad(`${what} at byte ${at} runs past the end of the file (${this.bytes.length} bytes): the file is truncated`);
  }

  private readDirectory(): void {
    const end = this.bytes.length;
    // The end record is the last 22 bytes plus a comment of up to 65535 bytes.
    let eocd = -1;
    for (let at = end - 22; at >= Math.max(0, end - 22 - 65535); at--) {
      if (this.u32(at) === EOCD) {
        eocd = at;
        break;
      }
    }
    if (eocd < 0) this.bad("no end-of-directory record (the file is truncated, or not a zip)");
    let count = this.u16(eocd + 10);
    let dirSize = this.u32(eocd + 12);
    let dirOffset = this.u32(eocd + 16);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      const locator = eocd - 20;
      this.need(locator, 20, "the zip64 locator");
      if (this.u32(locator) !== ZIP64_LOCATOR) this.bad("a zip64 archive without its locator");
      const at = this.u64(locator + 8);
      this.need(at, 56, "the zip64 end record");
      if (this.u32(at) !== ZIP64_EOCD) this.bad("the zip64 end record is missing");
      count = this.u64(at + 32);
      dirSize = this.u64(at + 40);
      dirOffset = this.u64(at + 48);
    }
    if (count > MAX_ENTRIES) this.bad(`${count} entries declared`);
    this.need(dirOffset, dirSize, "the central directory");
    let at = dirOffset;
    for (let i = 0; i < count; i++) {
      this.need(at, 46, "a directory entry");
      if (this.u32(at) !== CENTRAL) this.bad(`directory entry ${i} is damaged`);
      const method = this.u16(at + 10);
      let compressedSize = this.u32(at + 20);
      let size = this.u32(at + 24);
      const nameLength = this.u16(at + 28);
      const extraLength = this.u16(at + 30);
      const commentLength = this.u16(at + 32);
      let headerOffset = this.u32(at + 42);
      this.need(at + 46, nameLength + extraLength + commentLength, "a directory entry's name");
      const name = Buffer.from(this.bytes.subarray(at + 46, at + 46 + nameLength)).toString("utf8");
      // Zip64 extra field: the 64-bit values, in this order, for each 32-bit field that is all ones.
      let extra = at + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = this.u16(extra);
        const length = this.u16(extra + 2);
        if (id === 0x0001) {
          let p = extra + 4;
          const next = (): number => {
            if (p + 8 > extra + 4 + length) this.bad(`the zip64 field of ${JSON.stringify(name)} is short`);
            const v = this.u64(p);
            p += 8;
            return v;
          };
          if (size === 0xffffffff) size = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (headerOffset === 0xffffffff) headerOffset = next();
        }
        extra += 4 + length;
      }
      if (this.entries.has(name)) this.bad(`the entry ${JSON.stringify(name)} appears twice`);
      this.entries.set(name, { name, method, compressedSize, size, headerOffset });
      at += 46 + nameLength + extraLength + commentLength;
    }
  }

  /** The bytes of entry `name`; `limit` bounds what a deflated entry may inflate to. */
  read(name: string, limit: number): Uint8Array {
    const e = this.entries.get(name);
    if (!e) return this.bad(`no entry ${JSON.stringify(name)}`);
    this.need(e.headerOffset, 30, `the header of ${JSON.stringify(name)}`);
    if (this.u32(e.headerOffset) !== LOCAL) this.bad(`the header of ${JSON.stringify(name)} is damaged`);
    const start = e.headerOffset + 30 + this.u16(e.headerOffset + 26) + this.u16(e.headerOffset + 28);
    this.need(start, e.compressedSize, `the data of ${JSON.stringify(name)}`);
    const data = this.bytes.subarray(start, start + e.compressedSize);
    if (e.size > limit) this.bad(`${JSON.stringify(name)} declares ${e.size} bytes, more than the ${limit} it can hold`);
    if (e.method === 0) {
      if (e.size !== e.compressedSize) this.bad(`the stored entry ${JSON.stringify(name)} has two different sizes`);
      return data;
    }
    if (e.method === 8) {
      try {
        const out = inflateRawSync(data, { maxOutputLength: Math.max(1, e.size) });
        if (out.length !== e.size) this.bad(`${JSON.stringify(name)} inflates to ${out.length} bytes, not the ${e.size} declared`);
        return out;
      } catch (err) {
        if (err instanceof BadWeightFile) throw err;
        return this.bad(`${JSON.stringify(name)} does not inflate (${(err as Error).message})`);
      }
    }
    return this.bad(`${JSON.stringify(name)} uses compression method ${e.method}; torch.save stores entries uncompressed`);
  }
}
