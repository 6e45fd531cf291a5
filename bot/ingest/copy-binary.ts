// COPY's binary format (PostgreSQL docs, "COPY … Binary Format"): a header, then per row a field
// count and each field as its length and its bytes in network order (length -1: NULL), then -1.
// Written straight into a buffer, no number is turned into text, and the server reads numbers
// and times without parsing them. Binary input is not cast: each field must be written as the
// column's own type.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
const TWO_32 = 2 ** 32
// PostgreSQL counts time from 2000-01-01 UTC.
const PG_EPOCH_SECONDS = 946_684_800

/** Bytes a row of `fields` fixed-size fields of `dataBytes` in all takes, labels aside. */
export const binaryRowBytes = (fields: number, dataBytes: number): number => 2 + 4 * fields + dataBytes

export class BinaryCopy {
  private readonly out: Buffer
  private readonly view: DataView
  private at: number

  /** `capacity`: an upper bound of the data's bytes, header and trailer aside. */
  constructor(capacity: number) {
    this.out = Buffer.allocUnsafe(SIGNATURE.length + 8 + capacity + 2)
    this.view = new DataView(this.out.buffer, this.out.byteOffset, this.out.byteLength)
    SIGNATURE.copy(this.out, 0)
    this.view.setInt32(SIGNATURE.length, 0) // flags
    this.view.setInt32(SIGNATURE.length + 4, 0) // header extension
    this.at = SIGNATURE.length + 8
  }

  row(fields: number): void {
    this.view.setInt16(this.at, fields)
    this.at += 2
  }

  null(): void {
    this.view.setInt32(this.at, -1)
    this.at += 4
  }

  /** A whole number within ±2^53. */
  int8(value: number | null): void {
    if (value === null) return this.null()
    const high = Math.floor(value / TWO_32)
    this.view.setInt32(this.at, 8)
    this.view.setInt32(this.at + 4, high)
    this.view.setUint32(this.at + 8, value - high * TWO_32)
    this.at += 12
  }

  int4(value: number | null): void {
    if (value === null) return this.null()
    this.view.setInt32(this.at, 4)
    this.view.setInt32(this.at + 4, value)
    this.at += 8
  }

  int2(value: number): void {
    this.view.setInt32(this.at, 2)
    this.view.setInt16(this.at + 4, value)
    this.at += 6
  }

  bool(value: boolean): void {
    this.view.setInt32(this.at, 1)
    this.out[this.at + 4] = value ? 1 : 0
    this.at += 5
  }

  /** Unix seconds, as microseconds since PostgreSQL's epoch. */
  timestamptz(seconds: number): void {
    this.int8((seconds - PG_EPOCH_SECONDS) * 1_000_000)
  }

  /** An enum label (ASCII). */
  label(value: string): void {
    this.view.setInt32(this.at, value.length)
    this.at += 4
    for (let i = 0; i < value.length; i++) this.out[this.at++] = value.charCodeAt(i)
  }

  finish(): Buffer {
    this.view.setInt16(this.at, -1)
    return this.out.subarray(0, this.at + 2)
  }
}
