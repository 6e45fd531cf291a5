import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BinaryCopy, binaryRowBytes } from '../../bot/ingest/copy-binary.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase('copy_binary')
  await db.sql`CREATE TYPE mood AS ENUM ('calm', 'anonymous_admin')`
  await db.sql`CREATE TABLE t (i8 int8, i4 int4, i2 int2, b bool, ts timestamptz, m mood)`
})
afterAll(async () => {
  await db?.drop()
})

type Row = { i8: number | null; i4: number | null; i2: number | null; b: boolean | null; ts: number | null; m: string | null }
function encode(rows: readonly Row[]): Buffer {
  const copy = new BinaryCopy(rows.length * (binaryRowBytes(6, 8 + 4 + 2 + 1 + 8) + 20))
  for (const r of rows) {
    copy.row(6)
    copy.int8(r.i8)
    copy.int4(r.i4)
    if (r.i2 === null) copy.null()
    else copy.int2(r.i2)
    if (r.b === null) copy.null()
    else copy.bool(r.b)
    if (r.ts === null) copy.null()
    else copy.timestamptz(r.ts)
    if (r.m === null) copy.null()
    else copy.label(r.m)
  }
  return copy.finish()
}

describe('binary COPY data', () => {
  it('round-trips the edges of every type, NULLs and negative numbers included, as PostgreSQL reads them', async () => {
    const rows: Row[] = [
      { i8: -1002100000001, i4: -2_147_483_648, i2: -32_768, b: true, ts: 1_795_155_480, m: 'anonymous_admin' },
      { i8: Number.MAX_SAFE_INTEGER, i4: 2_147_483_647, i2: 32_767, b: false, ts: 0, m: 'calm' },
      { i8: -Number.MAX_SAFE_INTEGER, i4: 0, i2: 0, b: null, ts: -86_401, m: null },
      { i8: -1, i4: -1, i2: -1, b: false, ts: 946_684_800, m: 'calm' },
      { i8: 0, i4: null, i2: null, b: true, ts: null, m: 'calm' },
      { i8: 4_294_967_296, i4: 65_536, i2: 256, b: true, ts: 4_102_444_799, m: 'calm' },
    ]
    const data = encode(rows)
    await db.sql.begin(async (tx) => {
      const stream = await tx`COPY t (i8, i4, i2, b, ts, m) FROM STDIN (FORMAT binary)`.writable()
      await new Promise<void>((resolve, reject) => { stream.once('error', reject); stream.once('finish', resolve); stream.end(data) })
    })
    // Read back as text the server formats itself, and compared with the same values sent as text.
    const stored = await db.sql`SELECT i8::text, i4, i2, b, extract(epoch FROM ts)::int8::text AS ts, m::text FROM t ORDER BY t.i8`
    const expected = [...rows].sort((a, b) => a.i8! - b.i8!).map((r) => ({
      i8: String(r.i8), i4: r.i4, i2: r.i2, b: r.b, ts: r.ts === null ? null : String(r.ts), m: r.m,
    }))
    expect(stored.map((r) => ({ ...r }))).toEqual(expected)
  })
})
