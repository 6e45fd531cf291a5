import { bigint, boolean, date, doublePrecision, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core'

// Tables written by stats-loader/ (Telegram's own statistics, pulled through MTProto).
// Every `channel_id` here is the Bot API chat id (-100XXXXXXXXXX), the same id the bot stores
// in `chats`, so `/channelstats` and the loader name a chat the same way.

export const statsChannels = pgTable('stats_channels', {
  channelId: bigint('channel_id', { mode: 'number' }).primaryKey(),
  // 'broadcast' (channel) or 'megagroup' (supergroup): decides which stats method is called.
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  username: text('username'),
  canViewStats: boolean('can_view_stats').notNull(),
  statsDc: smallint('stats_dc'),
  // 'loading' | 'loaded' | 'partial' | 'skipped' | 'postponed' | 'failed': the last run over this peer.
  lastStatus: text('last_status').notNull(),
  lastError: text('last_error'),
  // A FLOOD_WAIT longer than the loader sleeps through: runs before this time skip the peer.
  notBefore: timestamp('not_before', { withTimezone: true }),
  lastLoadedAt: timestamp('last_loaded_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

// Every graph of a stats answer as received: `json` is DataJSON.data verbatim (text, not jsonb,
// so malformed payloads are kept for diagnosis and key order is preserved); graph errors keep
// Telegram's message in `error`. One row per graph per UTC day; a same-day re-run overwrites.
export const statsRaw = pgTable(
  'stats_raw',
  {
    channelId: bigint('channel_id', { mode: 'number' }).notNull(),
    // The TL field name: followers_graph, top_hours_graph, …
    key: text('key').notNull(),
    fetchedOn: date('fetched_on', { mode: 'string' }).notNull(),
    // 'graph' (StatsGraph, or a loaded StatsGraphAsync), 'error' (StatsGraphError or a failed load).
    kind: text('kind').notNull(),
    wasAsync: boolean('was_async').notNull().default(false),
    json: text('json'),
    error: text('error'),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.key, t.fetchedOn] })],
)

// Every daily (or weekly) series point. `metric` is `<graph key>.<column id>` (followers_graph.y0);
// labels are localized by Telegram, so they live in `stats_metrics`, not in the key.
export const channelDaily = pgTable(
  'channel_daily',
  {
    channelId: bigint('channel_id', { mode: 'number' }).notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    metric: text('metric').notNull(),
    // Double: some series are averages (views per post) and are fractional.
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.metric, t.day] })],
)

// Series that are not a timeline: top_hours_graph has x = 0..23 (hour of day, UTC), one
// distribution for the whole stats period, keyed by the period's last day.
export const channelBuckets = pgTable(
  'channel_buckets',
  {
    channelId: bigint('channel_id', { mode: 'number' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    metric: text('metric').notNull(),
    bucket: integer('bucket').notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.metric, t.periodEnd, t.bucket] })],
)

// What each metric is: its graph, column, latest (localized) label, chart type and axis.
export const statsMetrics = pgTable(
  'stats_metrics',
  {
    channelId: bigint('channel_id', { mode: 'number' }).notNull(),
    metric: text('metric').notNull(),
    graph: text('graph').notNull(),
    columnId: text('column_id').notNull(),
    label: text('label').notNull(),
    // line | bar | area | step
    chartType: text('chart_type').notNull(),
    // day | week | hour_of_day | index | intraday
    axis: text('axis').notNull(),
    // Telegram's colour with its theme name, e.g. `BLUE#3497ED` (production) or `#3497ED`.
    color: text('color'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.metric] })],
)

// The overview figures with their previous-period values (followers, views_per_post, …;
// members, messages, viewers, posters). For percent values (enabled_notifications) `current`
// is the part and `previous` is the total.
export const channelOverview = pgTable(
  'channel_overview',
  {
    channelId: bigint('channel_id', { mode: 'number' }).notNull(),
    fetchedOn: date('fetched_on', { mode: 'string' }).notNull(),
    metric: text('metric').notNull(),
    current: doublePrecision('current').notNull(),
    previous: doublePrecision('previous').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.metric, t.fetchedOn] })],
)

// Latest counters of recent posts and stories (recent_posts_interactions).
export const channelPostInteractions = pgTable(
  'channel_post_interactions',
  {
    channelId: bigint('channel_id', { mode: 'number' }).notNull(),
    // 'message' | 'story'
    kind: text('kind').notNull(),
    itemId: integer('item_id').notNull(),
    views: integer('views').notNull(),
    forwards: integer('forwards').notNull(),
    reactions: integer('reactions').notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.kind, t.itemId] })],
)

// Supergroups' top posters, admins and inviters for the stats period; the counters that do
// not apply to a role are null.
export const channelTopMembers = pgTable(
  'channel_top_members',
  {
    channelId: bigint('channel_id', { mode: 'number' }).notNull(),
    fetchedOn: date('fetched_on', { mode: 'string' }).notNull(),
    // 'poster' | 'admin' | 'inviter'
    role: text('role').notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    rank: smallint('rank').notNull(),
    messages: integer('messages'),
    avgChars: integer('avg_chars'),
    deleted: integer('deleted'),
    kicked: integer('kicked'),
    banned: integer('banned'),
    invitations: integer('invitations'),
    firstName: text('first_name'),
    username: text('username'),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.fetchedOn, t.role, t.userId] })],
)

// The peer's administrators as the loader's account saw them (channels.getParticipants with
// ChannelParticipantsAdmins). `/channelstats` falls back to it when the bot cannot see the chat.
export const channelAdmins = pgTable(
  'channel_admins',
  {
    channelId: bigint('channel_id', { mode: 'number' }).notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    // 'creator' | 'administrator'
    status: text('status').notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.userId] })],
)
