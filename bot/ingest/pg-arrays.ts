import type { Sql, TransactionSql } from 'postgres'

// Array type OIDs, so postgres.js sends each column as one typed array parameter for unnest().
const OID = { int8: 1016, int4: 1007, int2: 1005, text: 1009, bool: 1000, float8: 1022 } as const
export type PgArrayType = keyof typeof OID

/** One typed array parameter built from a column of rows. */
export function column<T, V>(sql: Sql | TransactionSql, rows: readonly T[], type: PgArrayType, pick: (row: T) => V) {
  const values = new Array<V>(rows.length)
  for (let i = 0; i < rows.length; i++) values[i] = pick(rows[i]!)
  return sql.array(values as never[], OID[type])
}

// Reaction lists travel as one text per row; \x1f cannot occur inside an emoji or an id.
export const LIST_SEPARATOR = '\u001f'
export const joinList = (items: readonly string[]): string => items.join(LIST_SEPARATOR)
