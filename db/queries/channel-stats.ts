import type { Sql } from 'postgres'

// What /channelstats shows, read from the tables the stats-loader fills. Ids are Bot API ids.

export interface StatsChannel {
  channelId: number
  kind: 'broadcast' | 'megagroup'
  title: string
  username: string | null
  lastStatus: string
  lastLoadedAt: Date | null
}

export interface OverviewFigure {
  metric: string
  current: number
  previous: number
}

export interface ChannelOverview {
  fetchedAt: Date
  periodStart: string
  periodEnd: string
  figures: OverviewFigure[]
}

export interface DayValue {
  day: string
  value: number
}

/** The loaded channel named by its Bot API id or its username (case-insensitive). */
export async function findStatsChannel(sql: Sql, ref: { channelId: number } | { username: string }): Promise<StatsChannel | undefined> {
  const rows = await sql<{ channel_id: string; kind: 'broadcast' | 'megagroup'; title: string; username: string | null; last_status: string; last_loaded_at: string | null }[]>`
    SELECT channel_id::text, kind, title, username, last_status, last_loaded_at::text
    FROM stats_channels
    WHERE ${'channelId' in ref ? sql`channel_id = ${ref.channelId}` : sql`lower(username) = lower(${ref.username})`}
    LIMIT 1`
  const row = rows[0]
  if (!row) return undefined
  return {
    channelId: Number(row.channel_id),
    kind: row.kind,
    title: row.title,
    username: row.username,
    lastStatus: row.last_status,
    lastLoadedAt: row.last_loaded_at ? new Date(row.last_loaded_at) : null,
  }
}

/** The user's role in the loader's admin list and when that list was fetched, if listed. */
export async function storedAdminStatus(sql: Sql, channelId: number, userId: number): Promise<{ status: string; fetchedAt: Date } | undefined> {
  const [row] = await sql<{ status: string; fetched_at: string }[]>`
    SELECT status, fetched_at::text FROM channel_admins WHERE channel_id = ${channelId} AND user_id = ${userId}`
  return row ? { status: row.status, fetchedAt: new Date(row.fetched_at) } : undefined
}

/** The overview figures of the most recent load. */
export async function latestOverview(sql: Sql, channelId: number): Promise<ChannelOverview | undefined> {
  const rows = await sql<{ metric: string; current: number; previous: number; period_start: string; period_end: string; fetched_at: string }[]>`
    SELECT metric, current, previous, period_start::text, period_end::text, fetched_at::text
    FROM channel_overview
    WHERE channel_id = ${channelId}
      AND fetched_on = (SELECT max(fetched_on) FROM channel_overview WHERE channel_id = ${channelId})
    ORDER BY metric`
  const first = rows[0]
  if (!first) return undefined
  return {
    fetchedAt: new Date(Math.max(...rows.map((r) => Date.parse(r.fetched_at)))),
    periodStart: first.period_start,
    periodEnd: first.period_end,
    figures: rows.map((r) => ({ metric: r.metric, current: r.current, previous: r.previous })),
  }
}

/** One daily metric (e.g. growth_graph.y0) over the last `days` days it has values for. */
export async function dailyMetric(sql: Sql, channelId: number, metric: string, days: number): Promise<DayValue[]> {
  return sql<DayValue[]>`
    SELECT day::text AS day, value
    FROM channel_daily
    WHERE channel_id = ${channelId} AND metric = ${metric}
      AND day > (SELECT max(day) FROM channel_daily WHERE channel_id = ${channelId} AND metric = ${metric}) - ${days}::int
    ORDER BY day`
}

/** The current (localized) label Telegram gives a metric's column, if it was loaded. */
export async function metricLabel(sql: Sql, channelId: number, metric: string): Promise<string | undefined> {
  const [row] = await sql<{ label: string }[]>`SELECT label FROM stats_metrics WHERE channel_id = ${channelId} AND metric = ${metric}`
  return row?.label
}
