import type { Sql } from 'postgres'

/** Every table of the public schema, by name. */
export async function publicTables(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`
  return rows.map((r) => r.name)
}

export async function truncateAll(sql: Sql): Promise<void> {
  const tables = await publicTables(sql)
  await sql.unsafe(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`)
}

/**
 * Every row of every table as PostgreSQL prints it, sorted: equal dumps mean equal tables.
 * All columns unless some are named in `omit`.
 */
export async function dumpAll(sql: Sql, omit: readonly string[] = []): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const table of await publicTables(sql)) {
    const columns = await sql<{ name: string }[]>`
      SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ${table} ORDER BY ordinal_position`
    const kept = columns.map((c) => c.name).filter((c) => !omit.includes(c))
    const rows = await sql.unsafe<{ r: string }[]>(`SELECT ROW(${kept.map((c) => `t."${c}"`).join(', ')})::text AS r FROM "${table}" t ORDER BY 1`)
    out[table] = rows.map((x) => x.r)
  }
  return out
}

/** Tables (and how many rows) whose rows differ between two dumps. */
export function dumpDiff(a: Record<string, string[]>, b: Record<string, string[]>): Record<string, { before: string[]; after: string[] }> {
  const diff: Record<string, { before: string[]; after: string[] }> = {}
  for (const table of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[table] ?? []
    const y = b[table] ?? []
    const before = x.filter((r) => !y.includes(r))
    const after = y.filter((r) => !x.includes(r))
    if (before.length > 0 || after.length > 0) diff[table] = { before, after }
  }
  return diff
}
