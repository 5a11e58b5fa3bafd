import { ConsensusError } from './errors.js';

const U64_MAX = (1n << 64n) - 1n;

/**
 * Appends little-endian integers, Bitcoin CompactSize varints and raw bytes to a growable buffer.
 * Every value is range-checked: writing garbage throws instead of truncating silently.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): this {
    checkUint(value, 0xff, 'u8');
    this.reserve(1);
    this.buf[this.len++] = value;
    return this;
  }

  u32(value: number): this {
    checkUint(value, 0xffffffff, 'u32');
    this.reserve(4);
    this.view.setUint32(this.len, value, true);
    this.len += 4;
    return this;
  }

  u64(value: bigint): this {
    if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) {
      throw new RangeError(`u64 out of range: ${String(value)}`);
    }
    this.reserve(8);
    this.view.setBigUint64(this.len, value, true);
    this.len += 8;
    return this;
  }

  /** Bitcoin's CompactSize, always in its shortest form. */
  varint(value: number): this {
    checkUint(value, Number.MAX_SAFE_INTEGER, 'varint');
    if (value < 0xfd) return this.u8(value);
    if (value <= 0xffff) {
      this.u8(0xfd);
      this.reserve(2);
      this.view.setUint16(this.len, value, true);
      this.len += 2;
      return this;
    }
    if (value <= 0xffffffff) return this.u8(0xfe).u32(value);
    return this.u8(0xff).u64(BigInt(value));
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** A CompactSize length followed by the bytes. */
  varBytes(data: Uint8Array): this {
    return this.varint(data.length).bytes(data);
  }

  get length(): number {
    return this.len;
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function checkUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what} out of range: ${String(value)}`);
  }
}

/**
 * Strict reader over untrusted bytes: truncation, non-canonical varints and oversize
 * lengths throw `ConsensusError`; `finish()` rejects trailing bytes.
 */
export class ByteReader {
  private readonly view: DataView;
  private pos = 0;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.data.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.remaining < n) {
      throw new ConsensusError(
        'DECODE_TRUNCATED',
        `${what}: expected ${n} more bytes, got ${this.remaining}`,
        {
          offset: this.pos,
        },
      );
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.data[this.pos++] as number;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** CompactSize; a value written longer than needed is rejected, as is one above `max`. */
  varint(max: number, what = 'varint'): number {
    const first = this.u8(what);
    let value: number;
    let min: number;
    if (first < 0xfd) {
      value = first;
      min = 0;
    } else if (first === 0xfd) {
      this.need(2, what);
      value = this.view.getUint16(this.pos, true);
      this.pos += 2;
      min = 0xfd;
    } else if (first === 0xfe) {
      value = this.u32(what);
      min = 0x10000;
    } else {
      const big = this.u64(what);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new ConsensusError('DECODE_OVERSIZE', `${what}: ${big} is larger than allowed (${max})`);
      }
      value = Number(big);
      min = 0x100000000;
    }
    if (value < min) {
      throw new ConsensusError('DECODE_NONCANONICAL', `${what}: ${value} is not in its shortest form`, {
        offset: this.pos,
      });
    }
    if (value > max) {
      throw new ConsensusError('DECODE_OVERSIZE', `${what}: ${value} is larger than allowed (${max})`, {
        offset: this.pos,
      });
    }
    return value;
  }

  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  varBytes(max: number, what = 'bytes'): Uint8Array {
    const n = this.varint(max, `${what} length`);
    return this.bytes(n, what);
  }

  /** Throws unless every byte was consumed. */
  finish(what = 'value'): void {
    if (this.remaining !== 0) {
      throw new ConsensusError(
        'DECODE_TRAILING_BYTES',
        `${what}: ${this.remaining} unexpected trailing bytes`,
        {
          offset: this.pos,
        },
      );
    }
  }
}
