import type { Sql } from '../db/client.ts'
import type { ChannelAdmin } from './load-channel-admins.ts'

export interface ChannelInfo {
  channelId: number
  kind: 'broadcast' | 'megagroup'
  title: string
  username: string | null
  canViewStats: boolean
  statsDc: number | null
}

export type RunStatus = 'loaded' | 'partial' | 'skipped' | 'postponed' | 'failed'

/** Records what getFullChannel said about the peer; the run's outcome is written by markPeerRun. */
export async function storeChannelInfo(sql: Sql, info: ChannelInfo): Promise<void> {
  await sql`
    INSERT INTO stats_channels (channel_id, kind, title, username, can_view_stats, stats_dc, last_status, updated_at)
    VALUES (${info.channelId}, ${info.kind}, ${info.title}, ${info.username}, ${info.canViewStats}, ${info.statsDc}, 'loading', now())
    ON CONFLICT (channel_id) DO UPDATE
      SET kind = excluded.kind, title = excluded.title, username = excluded.username,
          can_view_stats = excluded.can_view_stats, stats_dc = excluded.stats_dc, updated_at = now()
      WHERE (stats_channels.kind, stats_channels.title, stats_channels.username, stats_channels.can_view_stats, stats_channels.stats_dc)
        IS DISTINCT FROM (excluded.kind, excluded.title, excluded.username, excluded.can_view_stats, excluded.stats_dc)`
}

export async function markPeerRun(
  sql: Sql,
  channelId: number,
  outcome: { status: RunStatus; error?: string | null; notBefore?: Date | null; loadedAt?: Date | null },
): Promise<void> {
  await sql`
    UPDATE stats_channels
    SET last_status = ${outcome.status}, last_error = ${outcome.error ?? null}, not_before = ${outcome.notBefore?.toISOString() ?? null}::timestamptz,
        last_loaded_at = coalesce(${outcome.loadedAt?.toISOString() ?? null}::timestamptz, last_loaded_at), updated_at = now()
    WHERE channel_id = ${channelId}`
}

/** The earliest time this peer may be asked again after a long FLOOD_WAIT, if still ahead. */
export async function peerNotBefore(sql: Sql, channelId: number, now: Date): Promise<Date | undefined> {
  // Timestamps come back as text: drizzle's postgres-js driver replaces the date parsers.
  const [row] = await sql<{ not_before: string }[]>`
    SELECT not_before::text FROM stats_channels WHERE channel_id = ${channelId} AND not_before > ${now.toISOString()}::timestamptz`
  return row ? new Date(row.not_before) : undefined
}

/** Replaces the stored admin list with the one just fetched (demoted admins lose access). */
export async function storeChannelAdmins(sql: Sql, channelId: number, admins: readonly ChannelAdmin[], fetchedAt: Date): Promise<void> {
  const rows = JSON.stringify(admins)
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql
    await t`
      DELETE FROM channel_admins
      WHERE channel_id = ${channelId}
        AND user_id NOT IN (SELECT r."userId" FROM json_to_recordset(${rows}::json) AS r("userId" bigint))`
    if (admins.length === 0) return
    await t`
      INSERT INTO channel_admins (channel_id, user_id, status, fetched_at)
      SELECT ${channelId}, r."userId", r.status, ${fetchedAt.toISOString()}::timestamptz
      FROM json_to_recordset(${rows}::json) AS r("userId" bigint, status text)
      ON CONFLICT (channel_id, user_id) DO UPDATE SET status = excluded.status, fetched_at = excluded.fetched_at`
  })
}
