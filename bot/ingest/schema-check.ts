import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core'
import type { Sql } from 'postgres'
import type { Engine } from '../../db/migrate.ts'
import {
  botMembershipEvents, botState, chatActivity15m, chatActivityDay, chatActivityHour, chatMigrations, chats, chatTitles, memberEvents,
  messageEdits, messageReactions, messages, reactionCountChanges, reactionCounts, reactionEvents, senderDay, userNames, users,
} from '../../db/schema/index.ts'

// Every table a batch writes, with the privileges its statements need beyond SELECT and INSERT
// (the 15-minute one only where it is a table).
const WRITTEN_TABLES: readonly (readonly [PgTable, readonly ('UPDATE' | 'DELETE')[]])[] = [
  [chats, ['UPDATE']], [chatTitles, ['DELETE']], [chatMigrations, []], [users, ['UPDATE']], [userNames, ['DELETE']],
  [messages, ['UPDATE']], [messageEdits, []], [reactionEvents, []], [messageReactions, ['UPDATE']], [reactionCounts, ['UPDATE']],
  [reactionCountChanges, []], [memberEvents, ['DELETE']], [botMembershipEvents, []], [botState, ['UPDATE']],
  [chatActivityHour, ['UPDATE']], [chatActivityDay, ['UPDATE']], [senderDay, ['UPDATE']],
]

/** A column's type as PostgreSQL's format_type() spells it. */
const typeOf = (c: PgColumn) => c.getSQLType().replace(/^timestamp(\s*\(\d+\))?$/, 'timestamp$1 without time zone')

/** Each table's name, privileges needed, columns with their types and unique keys (the ON CONFLICT arbiters). */
function specs(engine: Engine) {
  const written = engine === 'postgres' ? [...WRITTEN_TABLES, [chatActivity15m, ['UPDATE']] as const] : WRITTEN_TABLES
  return written.map(([table, extra]) => {
    const config = getTableConfig(table)
    const keys = [
      ...config.primaryKeys.map((k) => k.columns),
      ...config.columns.filter((c) => c.primary).map((c) => [c]),
      ...config.uniqueConstraints.map((u) => u.columns),
      ...config.indexes.filter((i) => i.config.unique).map((i) => i.config.columns as PgColumn[]),
    ]
    return {
      t: config.name,
      privileges: ['SELECT', 'INSERT', ...extra],
      columns: config.columns.map((c) => ({ name: c.name, type: typeOf(c) })),
      keys: keys.map((k) => k.map((c) => c.name)),
    }
  })
}

/**
 * What keeps a batch from being written that is the database's state, not its updates' fault:
 * a table it writes missing, a privilege it uses not held, row-level security on it, a column
 * gone or of another type, a unique key its upserts rely on dropped. While there is any, a refusal of a batch (SQLSTATE
 * class 42: undefined table or column, insufficient privilege…) would refuse every update alike.
 * Each problem is one line naming its table.
 */
export async function schemaProblems(sql: Sql, engine: Engine = 'postgres'): Promise<string[]> {
  const spec = JSON.stringify(specs(engine))
  // One privilege per has_table_privilege call: given several, it asks whether any one is held.
  // A unique key matches an index on the same key columns in any order, as ON CONFLICT infers it.
  const rows = await sql<{ problem: string }[]>`
    WITH s AS (
      SELECT s.t, s.privileges, s.columns, s.keys, to_regclass(quote_ident(s.t)) AS rel
      FROM jsonb_to_recordset(${spec}::text::jsonb) AS s(t text, privileges text[], columns jsonb, keys jsonb)
    )
    SELECT s.t || ': no such table' AS problem FROM s WHERE s.rel IS NULL
    UNION ALL
    SELECT format('%s: no %s privilege', s.t, p) FROM s CROSS JOIN unnest(s.privileges) AS p
    WHERE s.rel IS NOT NULL AND NOT has_table_privilege(s.rel, p)
    UNION ALL
    -- Row-level security that applies to the role (it does not own the table, or it is forced on
    -- owners too) and that the role does not bypass: its policies decide what the bot may write
    -- (nothing without one), and COPY is refused outright.
    SELECT s.t || ': row-level security is on' FROM s JOIN pg_class c ON c.oid = s.rel
    WHERE c.relrowsecurity AND (c.relforcerowsecurity OR NOT pg_has_role(c.relowner, 'USAGE'))
      AND NOT (SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user)
    UNION ALL
    SELECT CASE WHEN a.attname IS NULL THEN format('%s: no column %s', s.t, c.name)
                ELSE format('%s: column %s is %s, not %s', s.t, c.name, format_type(a.atttypid, a.atttypmod), c.type) END
    FROM s CROSS JOIN jsonb_to_recordset(s.columns) AS c(name text, type text)
    LEFT JOIN pg_attribute a ON a.attrelid = s.rel AND a.attname = c.name AND a.attnum > 0 AND NOT a.attisdropped
    WHERE s.rel IS NOT NULL AND (a.attname IS NULL OR format_type(a.atttypid, a.atttypmod) <> c.type)
    UNION ALL
    SELECT format('%s: no unique key on (%s)', s.t, array_to_string(k.cols, ', '))
    FROM s CROSS JOIN LATERAL (SELECT ARRAY(SELECT jsonb_array_elements_text(e)) AS cols FROM jsonb_array_elements(s.keys) AS e) k
    WHERE s.rel IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM pg_index i
      WHERE i.indrelid = s.rel AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
        AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text) FROM pg_attribute a
             WHERE a.attrelid = i.indrelid AND a.attnum = ANY((i.indkey::int2[])[0:i.indnkeyatts - 1]))
          = (SELECT array_agg(x ORDER BY x) FROM unnest(k.cols) AS x))`
  return rows.map((r) => r.problem)
}
