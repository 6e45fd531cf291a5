import type { Sql } from '../db/client.ts'
import { bucketPoints, dailyPoints, metricKey } from './graphs.ts'
import type { StatsSnapshot } from './stats-snapshot.ts'

export interface SnapshotKey {
  channelId: number
  fetchedAt: Date
}

type Tx = Sql

/**
 * Writes one peer's snapshot in one transaction. Every write is an upsert that only touches a
 * row whose values differ, so loading the same answer twice on one day changes nothing.
 */
export async function storeStatsSnapshot(sql: Sql, key: SnapshotKey, snapshot: StatsSnapshot): Promise<void> {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Tx
    await storeRaw(t, key, snapshot)
    await storeDaily(t, key, snapshot)
    await storeBuckets(t, key, snapshot)
    await storeMetrics(t, key, snapshot)
    await storeOverview(t, key, snapshot)
    await storePosts(t, key, snapshot)
    await storeTopMembers(t, key, snapshot)
  })
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10)
const json = (rows: unknown[]) => JSON.stringify(rows)

async function storeRaw(sql: Tx, { channelId, fetchedAt }: SnapshotKey, snapshot: StatsSnapshot) {
  const rows = snapshot.graphs.map((g) => ({
    key: g.key,
    kind: g.json === null ? 'error' : 'graph',
    was_async: g.wasAsync,
    json: g.json,
    error: g.error,
  }))
  if (rows.length === 0) return
  await sql`
    INSERT INTO stats_raw (channel_id, key, fetched_on, kind, was_async, json, error, fetched_at)
    SELECT ${channelId}, r.key, ${dayOf(fetchedAt)}::date, r.kind, r.was_async, r.json, r.error, ${fetchedAt.toISOString()}::timestamptz
    FROM json_to_recordset(${json(rows)}::json) AS r(key text, kind text, was_async boolean, json text, error text)
    ON CONFLICT (channel_id, key, fetched_on) DO UPDATE
      SET kind = excluded.kind, was_async = excluded.was_async, json = excluded.json, error = excluded.error, fetched_at = excluded.fetched_at
      WHERE (stats_raw.kind, stats_raw.json, stats_raw.error) IS DISTINCT FROM (excluded.kind, excluded.json, excluded.error)`
}

async function storeDaily(sql: Tx, { channelId }: SnapshotKey, snapshot: StatsSnapshot) {
  const unique = new Map<string, { day: string; metric: string; value: number }>()
  for (const graph of snapshot.graphs) {
    if (!graph.parsed) continue
    for (const point of dailyPoints(graph.key, graph.parsed)) unique.set(`${point.metric} ${point.day}`, point)
  }
  if (unique.size === 0) return
  await sql`
    INSERT INTO channel_daily (channel_id, day, metric, value)
    SELECT ${channelId}, r.day, r.metric, r.value
    FROM json_to_recordset(${json([...unique.values()])}::json) AS r(day date, metric text, value float8)
    ON CONFLICT (channel_id, metric, day) DO UPDATE SET value = excluded.value
      WHERE channel_daily.value IS DISTINCT FROM excluded.value`
}

async function storeBuckets(sql: Tx, { channelId }: SnapshotKey, snapshot: StatsSnapshot) {
  const unique = new Map<string, { bucket: number; metric: string; value: number }>()
  for (const graph of snapshot.graphs) {
    if (!graph.parsed) continue
    for (const point of bucketPoints(graph.key, graph.parsed)) unique.set(`${point.metric} ${point.bucket}`, point)
  }
  if (unique.size === 0) return
  await sql`
    INSERT INTO channel_buckets (channel_id, period_end, metric, bucket, value)
    SELECT ${channelId}, ${snapshot.period.end}::date, r.metric, r.bucket, r.value
    FROM json_to_recordset(${json([...unique.values()])}::json) AS r(bucket int, metric text, value float8)
    ON CONFLICT (channel_id, metric, period_end, bucket) DO UPDATE SET value = excluded.value
      WHERE channel_buckets.value IS DISTINCT FROM excluded.value`
}

async function storeMetrics(sql: Tx, { channelId, fetchedAt }: SnapshotKey, snapshot: StatsSnapshot) {
  const rows = snapshot.graphs.flatMap((g) =>
    (g.parsed?.series ?? []).map((s) => ({
      metric: metricKey(g.key, s.columnId),
      graph: g.key,
      column_id: s.columnId,
      label: s.label,
      chart_type: s.chartType,
      axis: g.parsed!.axis,
      color: s.color,
    })),
  )
  if (rows.length === 0) return
  await sql`
    INSERT INTO stats_metrics (channel_id, metric, graph, column_id, label, chart_type, axis, color, updated_at)
    SELECT ${channelId}, r.metric, r.graph, r.column_id, r.label, r.chart_type, r.axis, r.color, ${fetchedAt.toISOString()}::timestamptz
    FROM json_to_recordset(${json(rows)}::json)
      AS r(metric text, graph text, column_id text, label text, chart_type text, axis text, color text)
    ON CONFLICT (channel_id, metric) DO UPDATE
      SET label = excluded.label, chart_type = excluded.chart_type, axis = excluded.axis, color = excluded.color, updated_at = excluded.updated_at
      WHERE (stats_metrics.label, stats_metrics.chart_type, stats_metrics.axis, stats_metrics.color)
        IS DISTINCT FROM (excluded.label, excluded.chart_type, excluded.axis, excluded.color)`
}

async function storeOverview(sql: Tx, { channelId, fetchedAt }: SnapshotKey, snapshot: StatsSnapshot) {
  if (snapshot.overview.length === 0) return
  await sql`
    INSERT INTO channel_overview (channel_id, fetched_on, metric, current, previous, period_start, period_end, fetched_at)
    SELECT ${channelId}, ${dayOf(fetchedAt)}::date, r.metric, r.current, r.previous,
           ${snapshot.period.start}::date, ${snapshot.period.end}::date, ${fetchedAt.toISOString()}::timestamptz
    FROM json_to_recordset(${json(snapshot.overview)}::json) AS r(metric text, current float8, previous float8)
    ON CONFLICT (channel_id, metric, fetched_on) DO UPDATE
      SET current = excluded.current, previous = excluded.previous, period_start = excluded.period_start,
          period_end = excluded.period_end, fetched_at = excluded.fetched_at
      WHERE (channel_overview.current, channel_overview.previous, channel_overview.period_start, channel_overview.period_end)
        IS DISTINCT FROM (excluded.current, excluded.previous, excluded.period_start, excluded.period_end)`
}

async function storePosts(sql: Tx, { channelId, fetchedAt }: SnapshotKey, snapshot: StatsSnapshot) {
  if (snapshot.posts.length === 0) return
  const rows = new Map(snapshot.posts.map((p) => [`${p.kind} ${p.itemId}`, p]))
  await sql`
    INSERT INTO channel_post_interactions (channel_id, kind, item_id, views, forwards, reactions, fetched_at)
    SELECT ${channelId}, r."kind", r."itemId", r.views, r.forwards, r.reactions, ${fetchedAt.toISOString()}::timestamptz
    FROM json_to_recordset(${json([...rows.values()])}::json)
      AS r("kind" text, "itemId" int, views int, forwards int, reactions int)
    ON CONFLICT (channel_id, kind, item_id) DO UPDATE
      SET views = excluded.views, forwards = excluded.forwards, reactions = excluded.reactions, fetched_at = excluded.fetched_at
      WHERE (channel_post_interactions.views, channel_post_interactions.forwards, channel_post_interactions.reactions)
        IS DISTINCT FROM (excluded.views, excluded.forwards, excluded.reactions)`
}

async function storeTopMembers(sql: Tx, { channelId, fetchedAt }: SnapshotKey, snapshot: StatsSnapshot) {
  const fetchedOn = dayOf(fetchedAt)
  const rows = [...new Map(snapshot.topMembers.map((m) => [`${m.role} ${m.userId}`, m])).values()]
  // Today's lists replace an earlier same-day load, so someone who dropped out does not linger.
  await sql`
    DELETE FROM channel_top_members
    WHERE channel_id = ${channelId} AND fetched_on = ${fetchedOn}::date
      AND (role, user_id) NOT IN (SELECT r.role, r."userId" FROM json_to_recordset(${json(rows)}::json) AS r(role text, "userId" bigint))`
  if (rows.length === 0) return
  await sql`
    INSERT INTO channel_top_members
      (channel_id, fetched_on, role, user_id, rank, messages, avg_chars, deleted, kicked, banned, invitations, first_name, username)
    SELECT ${channelId}, ${fetchedOn}::date, r.role, r."userId", r.rank, r.messages, r."avgChars", r.deleted, r.kicked,
           r.banned, r.invitations, r."firstName", r.username
    FROM json_to_recordset(${json(rows)}::json) AS r(role text, "userId" bigint, rank smallint, messages int, "avgChars" int,
      deleted int, kicked int, banned int, invitations int, "firstName" text, username text)
    ON CONFLICT (channel_id, fetched_on, role, user_id) DO UPDATE
      SET rank = excluded.rank, messages = excluded.messages, avg_chars = excluded.avg_chars, deleted = excluded.deleted,
          kicked = excluded.kicked, banned = excluded.banned, invitations = excluded.invitations,
          first_name = excluded.first_name, username = excluded.username
      WHERE (channel_top_members.rank, channel_top_members.messages, channel_top_members.avg_chars, channel_top_members.deleted,
             channel_top_members.kicked, channel_top_members.banned, channel_top_members.invitations,
             channel_top_members.first_name, channel_top_members.username)
        IS DISTINCT FROM (excluded.rank, excluded.messages, excluded.avg_chars, excluded.deleted, excluded.kicked,
             excluded.banned, excluded.invitations, excluded.first_name, excluded.username)`
}
