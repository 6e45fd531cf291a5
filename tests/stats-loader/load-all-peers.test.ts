import pino from 'pino'
import { Api, errors } from 'telegram'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStatsClient } from '../../stats-loader/client.ts'
import { loadAllPeers } from '../../stats-loader/load-all-peers.ts'
import { parsePeerRef, type PeerRef } from '../../stats-loader/peer-ref.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import {
  asyncGraph,
  broadcastStats,
  FakeTelegram,
  fakeChannel,
  fakeUser,
  graphError,
  graphOf,
  megagroupStats,
  type FakePeer,
} from './support/fake-telegram.ts'
import { column, FIXTURES, fixtureChart, fixtureText } from './support/fixtures.ts'
import { dailyJson, topHoursJson } from './support/synthetic-graphs.ts'

let db: TestDatabase
const log = pino({ level: 'silent' })
const NOW = new Date('2024-05-10T06:00:00Z')

beforeAll(async () => {
  db = await createTestDatabase('stats_loader')
})
afterAll(async () => {
  await db?.drop()
})

function refs(...inputs: string[]): PeerRef[] {
  return inputs.map((input) => {
    const ref = parsePeerRef(input)
    if ('error' in ref) throw new Error(ref.error)
    return ref
  })
}

async function run(fake: FakeTelegram, peers: PeerRef[], options: { now?: Date; timeoutMs?: number } = {}) {
  const sleeps: number[] = []
  const client = createStatsClient(fake, {
    requestTimeoutMs: options.timeoutMs ?? 2_000,
    floodSleepMaxSeconds: 60,
    serverErrorRetries: 2,
    retryBaseMs: 100,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
  })
  const summary = await loadAllPeers({ client, sql: db.sql, log, peers, concurrency: 3, now: () => options.now ?? NOW })
  return { summary, sleeps }
}

/** A small healthy channel for tests that are about another peer. */
function simplePeer(id: number, username: string): FakePeer {
  return {
    channel: fakeChannel({ id, title: username, username }),
    canViewStats: true,
    admins: [{ userId: 7, creator: true }],
    stats: () => broadcastStats({ growthGraph: graphOf(dailyJson('2024-05-01', { y0: [1, 2, 3] }, { y0: 'Total followers' })) }),
  }
}

const rawSum = (name: string, id: string) => column(fixtureChart(name), id).reduce((a, b) => a + b, 0)

describe('a channel with every form of graph', () => {
  const ID = 1_500_000_001
  const CHAT = -1001500000001
  const hours = { thisWeek: Array.from({ length: 24 }, (_, h) => 10 * h + 1), lastWeek: Array.from({ length: 24 }, (_, h) => 5 * h) }
  const fake = new FakeTelegram([
    {
      channel: fakeChannel({ id: ID, title: 'Fruit News', username: 'fruit_news' }),
      canViewStats: true,
      statsDc: 2,
      admins: [{ userId: 100, creator: true }, { userId: 101 }],
      stats: () =>
        broadcastStats(
          {
            growthGraph: graphOf(dailyJson('2024-05-01', { y0: [900, 950, 1000] }, { y0: 'Total followers' })),
            followersGraph: graphOf(fixtureText(FIXTURES.joinedLeft)),
            interactionsGraph: graphOf(fixtureText(FIXTURES.viewsShares)),
            viewsBySourceGraph: graphOf(fixtureText(FIXTURES.stackedBars)),
            languagesGraph: graphOf(fixtureText(FIXTURES.percentageAreas)),
            newFollowersBySourceGraph: asyncGraph('token-new-followers'),
            muteGraph: graphError('NOT_ENOUGH_DATA'),
            topHoursGraph: graphOf(topHoursJson(hours.thisWeek, hours.lastWeek)),
            reactionsByEmotionGraph: graphOf('{"columns": [["x", 1'),
          },
          {
            followers: [1000, 900],
            viewsPerPost: [250.5, 240.25],
            posts: [
              new Api.PostInteractionCountersMessage({ msgId: 41, views: 1200, forwards: 12, reactions: 30 }),
              new Api.PostInteractionCountersMessage({ msgId: 42, views: 800, forwards: 3, reactions: 9 }),
              new Api.PostInteractionCountersStory({ storyId: 5, views: 300, forwards: 1, reactions: 4 }),
            ],
          },
        ),
    },
  ])
  fake.asyncGraphs.set('token-new-followers', { dcId: 2, graph: graphOf(fixtureText(FIXTURES.singleBar)) })
  let first: Awaited<ReturnType<typeof run>>

  beforeAll(async () => {
    first = await run(fake, refs('@fruit_news'))
  })

  it('sends the stats request and the async graph load to the stats DC', () => {
    expect(first.summary.outcomes).toMatchObject([{ status: 'partial', channelId: CHAT }])
    expect(fake.callsOf('stats.GetBroadcastStats').map((c) => c.dcId)).toEqual([2])
    const loads = fake.callsOf('stats.LoadAsyncGraph')
    expect(loads.map((c) => [(c.request as Api.stats.LoadAsyncGraph).token, c.dcId])).toEqual([['token-new-followers', 2]])
    // getFullChannel and the admin list go to the home DC.
    expect(fake.callsOf('channels.GetFullChannel').map((c) => c.dcId)).toEqual([undefined])
  })

  it('keeps every graph as received in stats_raw, errors included', async () => {
    const rows = await db.sql<{ key: string; kind: string; was_async: boolean; json: string | null; error: string | null }[]>`
      SELECT key, kind, was_async, json, error FROM stats_raw WHERE channel_id = ${CHAT} ORDER BY key`
    expect(rows).toHaveLength(12)
    const byKey = new Map(rows.map((r) => [r.key, r]))
    expect(byKey.get('followers_graph')?.json).toBe(fixtureText(FIXTURES.joinedLeft))
    expect(byKey.get('new_followers_by_source_graph')).toMatchObject({ kind: 'graph', was_async: true, json: fixtureText(FIXTURES.singleBar) })
    expect(byKey.get('mute_graph')).toMatchObject({ kind: 'error', json: null, error: 'NOT_ENOUGH_DATA' })
    expect(byKey.get('reactions_by_emotion_graph')).toMatchObject({ kind: 'graph', json: '{"columns": [["x", 1' })
    expect(byKey.get('reactions_by_emotion_graph')?.error).toMatch(/^malformed JSON/)
    expect(first.summary.outcomes[0]?.graphErrors?.map((e) => e.key).sort()).toEqual(['mute_graph', 'reactions_by_emotion_graph'])
  })

  it('writes each daily column of the real charts, with sums equal to the files', async () => {
    const stats = await db.sql<{ metric: string; n: number; total: number }[]>`
      SELECT metric, count(*)::int AS n, sum(value) AS total FROM channel_daily
      WHERE channel_id = ${CHAT} GROUP BY metric`
    const found = new Map(stats.map((s) => [s.metric, s]))
    const cases: [string, string, string][] = [
      ['followers_graph', FIXTURES.joinedLeft, 'y1'],
      ['interactions_graph', FIXTURES.viewsShares, 'y0'],
      ['interactions_graph', FIXTURES.viewsShares, 'y1'],
      ['new_followers_by_source_graph', FIXTURES.singleBar, 'y0'],
      ...['y0', 'y1', 'y2', 'y3', 'y4', 'y5', 'y6'].map((y) => ['views_by_source_graph', FIXTURES.stackedBars, y] as [string, string, string]),
      ...['y0', 'y3', 'y5'].map((y) => ['languages_graph', FIXTURES.percentageAreas, y] as [string, string, string]),
    ]
    for (const [graph, file, y] of cases) {
      expect(found.get(`${graph}.${y}`), `${graph}.${y}`).toEqual({ metric: `${graph}.${y}`, n: column(fixtureChart(file), 'x').length, total: rawSum(file, y) })
    }
    const [firstDay] = await db.sql<{ value: number }[]>`
      SELECT value FROM channel_daily WHERE channel_id = ${CHAT} AND metric = 'followers_graph.y1' AND day = '2018-04-07'`
    expect(firstDay?.value).toBe(column(fixtureChart(FIXTURES.joinedLeft), 'y1')[0])
  })

  it('keeps top_hours_graph as 24 hour-of-day buckets, not as days', async () => {
    const buckets = await db.sql<{ metric: string; bucket: number; value: number; period_end: string }[]>`
      SELECT metric, bucket, value, period_end::text FROM channel_buckets WHERE channel_id = ${CHAT} ORDER BY metric, bucket`
    expect(buckets).toHaveLength(48)
    expect(buckets.filter((b) => b.metric === 'top_hours_graph.y0').map((b) => b.value)).toEqual(hours.thisWeek)
    expect(new Set(buckets.map((b) => b.period_end))).toEqual(new Set(['2024-05-09']))
    const [daily] = await db.sql`SELECT count(*)::int AS n FROM channel_daily WHERE channel_id = ${CHAT} AND metric LIKE 'top_hours_graph.%'`
    expect(daily?.n).toBe(0)
  })

  it('keeps localized labels, colours and axes apart from the metric key', async () => {
    const metrics = await db.sql<{ metric: string; label: string; axis: string; color: string | null; chart_type: string }[]>`
      SELECT metric, label, axis, color, chart_type FROM stats_metrics WHERE channel_id = ${CHAT}`
    const m = new Map(metrics.map((r) => [r.metric, r]))
    expect(m.get('interactions_graph.y0')).toMatchObject({ label: 'Views', axis: 'day', chart_type: 'line' })
    expect(m.get('views_by_source_graph.y6')).toMatchObject({ label: 'Pears', chart_type: 'bar' })
    expect(m.get('top_hours_graph.y0')).toMatchObject({ axis: 'hour_of_day', color: 'BLUE#3497ED' })
  })

  it('stores the overview with previous-period values, recent posts and the admin list', async () => {
    const overview = await db.sql<{ metric: string; current: number; previous: number; period_start: string; period_end: string }[]>`
      SELECT metric, current, previous, period_start::text, period_end::text FROM channel_overview WHERE channel_id = ${CHAT} ORDER BY metric`
    const o = new Map(overview.map((r) => [r.metric, r]))
    expect(o.get('followers')).toMatchObject({ current: 1000, previous: 900, period_start: '2024-04-10', period_end: '2024-05-09' })
    expect(o.get('views_per_post')).toMatchObject({ current: 250.5, previous: 240.25 })
    expect(o.get('enabled_notifications')).toMatchObject({ current: 420, previous: 1000 })
    const posts = await db.sql`SELECT kind, item_id, views FROM channel_post_interactions WHERE channel_id = ${CHAT} ORDER BY kind, item_id`
    expect(posts.map((p) => `${p.kind}:${p.item_id}:${p.views}`)).toEqual(['message:41:1200', 'message:42:800', 'story:5:300'])
    const admins = await db.sql`SELECT user_id::int AS user_id, status FROM channel_admins WHERE channel_id = ${CHAT} ORDER BY user_id`
    expect(admins.map((a) => `${a.user_id}:${a.status}`)).toEqual(['100:creator', '101:administrator'])
    const [channel] = await db.sql`SELECT kind, title, username, stats_dc, last_status FROM stats_channels WHERE channel_id = ${CHAT}`
    expect(channel).toEqual({ kind: 'broadcast', title: 'Fruit News', username: 'fruit_news', stats_dc: 2, last_status: 'partial' })
  })

  it('changes nothing when the same answer is loaded again the same day', async () => {
    const tables = ['stats_raw', 'channel_daily', 'channel_buckets', 'stats_metrics', 'channel_overview', 'channel_post_interactions']
    const snapshot = async () =>
      Promise.all(tables.map((t) => db.sql.unsafe(`SELECT xmin::text AS xmin, t.* FROM ${t} t WHERE channel_id = $1 ORDER BY 2, 3, 4`, [CHAT])))
    const before = await snapshot()
    const again = await run(fake, refs('@fruit_news'), { now: new Date(NOW.getTime() + 3_600_000) })
    expect(again.summary.outcomes[0]?.status).toBe('partial')
    // Same rows, and not even rewritten: the row versions (xmin) are unchanged.
    expect(await snapshot()).toEqual(before)
    expect(before[1]!.length).toBeGreaterThan(5000)
  })
})

describe('routing and resilience', () => {
  it('answers STATS_MIGRATE_X by retrying on DC X and loads async graphs there', async () => {
    const peer = simplePeer(1_500_000_002, 'migrating')
    peer.statsDc = 2
    peer.stats = () => broadcastStats({ followersGraph: asyncGraph('token-dc4') })
    const fake = new FakeTelegram([peer]).intercept((request, dcId) => {
      if (request instanceof Api.stats.GetBroadcastStats && dcId === 2) throw new errors.RPCError('STATS_MIGRATE_4', request, 303)
      return undefined
    })
    fake.asyncGraphs.set('token-dc4', { dcId: 4, graph: graphOf(fixtureText(FIXTURES.joinedLeft)) })
    const { summary } = await run(fake, refs('migrating'))
    expect(summary.outcomes[0]?.status).toBe('loaded')
    expect(fake.callsOf('stats.GetBroadcastStats').map((c) => c.dcId)).toEqual([2, 4])
    expect(fake.callsOf('stats.LoadAsyncGraph').map((c) => c.dcId)).toEqual([4])
    // Nothing else moved: every other request still goes to the home DC.
    expect(fake.calls.filter((c) => !c.method.startsWith('stats.')).every((c) => c.dcId === undefined)).toBe(true)
    const [row] = await db.sql`SELECT count(*)::int AS n FROM channel_daily WHERE channel_id = -1001500000002 AND metric = 'followers_graph.y0'`
    expect(row?.n).toBe(column(fixtureChart(FIXTURES.joinedLeft), 'x').length)
  })

  it('sleeps through a short FLOOD_WAIT and then loads', async () => {
    const fake = new FakeTelegram([simplePeer(1_500_000_003, 'floody')]).intercept((request, _dc, calls) => {
      if (request instanceof Api.stats.GetBroadcastStats && calls.filter((c) => c.method === request.className).length === 1) {
        throw new errors.FloodWaitError({ request, capture: 7 })
      }
      return undefined
    })
    const { summary, sleeps } = await run(fake, refs('floody'))
    expect(summary.outcomes[0]?.status).toBe('loaded')
    expect(sleeps).toEqual([7000])
    expect(fake.callsOf('stats.GetBroadcastStats')).toHaveLength(2)
  })

  it('postpones a peer whose FLOOD_WAIT is too long, keeps loading the others, and skips it until the wait is over', async () => {
    const slow = simplePeer(1_500_000_004, 'slowpoke')
    const fine = simplePeer(1_500_000_005, 'finepeer')
    const fake = new FakeTelegram([slow, fine]).intercept((request) => {
      const target = request instanceof Api.stats.GetBroadcastStats ? (request.channel as Api.InputChannel).channelId.toString() : ''
      if (target === '1500000004') throw new errors.FloodWaitError({ request, capture: 4000 })
      return undefined
    })
    const first = await run(fake, refs('slowpoke', 'finepeer'))
    expect(first.summary.outcomes.map((o) => o.status)).toEqual(['postponed', 'loaded'])
    expect(first.summary.allFailed).toBe(false)
    expect(first.sleeps).toEqual([])
    const [row] = await db.sql<{ not_before: string; last_status: string }[]>`
      SELECT not_before, last_status FROM stats_channels WHERE channel_id = -1001500000004`
    expect(new Date(row!.not_before).getTime()).toBe(NOW.getTime() + 4000 * 1000)

    const callsBefore = fake.callsOf('channels.GetFullChannel').length
    const second = await run(fake, refs('slowpoke', 'finepeer'), { now: new Date(NOW.getTime() + 3600 * 1000) })
    expect(second.summary.outcomes.map((o) => o.status)).toEqual(['postponed', 'loaded'])
    // Only the healthy peer was asked again.
    const asked = fake.callsOf('channels.GetFullChannel').slice(callsBefore)
    expect(asked.map((c) => (c.request as Api.channels.GetFullChannel).channel)).toHaveLength(1)
  })

  it('skips a peer without statistics rights with a warning and loads the others', async () => {
    const noRights = simplePeer(1_500_000_006, 'norights')
    noRights.canViewStats = false
    const fake = new FakeTelegram([noRights, simplePeer(1_500_000_007, 'withrights')])
    const { summary } = await run(fake, refs('norights', 'withrights'))
    expect(summary.outcomes.map((o) => o.status)).toEqual(['skipped', 'loaded'])
    expect(fake.callsOf('stats.GetBroadcastStats')).toHaveLength(1)
    const [row] = await db.sql`SELECT can_view_stats, last_status FROM stats_channels WHERE channel_id = -1001500000006`
    expect(row).toEqual({ can_view_stats: false, last_status: 'skipped' })
  })

  it('retries CHP_CALL_FAIL with exponential backoff', async () => {
    const fake = new FakeTelegram([simplePeer(1_500_000_008, 'flaky')]).intercept((request, _dc, calls) => {
      if (request instanceof Api.stats.GetBroadcastStats && calls.filter((c) => c.method === request.className).length <= 2) {
        throw new errors.RPCError('CHP_CALL_FAIL', request, 500)
      }
      return undefined
    })
    const { summary, sleeps } = await run(fake, refs('flaky'))
    expect(summary.outcomes[0]?.status).toBe('loaded')
    expect(sleeps).toEqual([100, 200])
  })

  it('gives up on a request that never answers (timeout) without stopping the other peers', async () => {
    const fake = new FakeTelegram([simplePeer(1_500_000_009, 'deaddc'), simplePeer(1_500_000_010, 'alivedc')]).intercept((request) => {
      const target = request instanceof Api.stats.GetBroadcastStats ? (request.channel as Api.InputChannel).channelId.toString() : ''
      return target === '1500000009' ? new Promise(() => {}) : undefined
    })
    const { summary, sleeps } = await run(fake, refs('deaddc', 'alivedc'), { timeoutMs: 30 })
    expect(summary.outcomes.map((o) => o.status)).toEqual(['failed', 'loaded'])
    expect(summary.outcomes[0]?.detail).toMatch(/got no answer within 30 ms/)
    // One attempt plus two retries.
    expect(fake.callsOf('stats.GetBroadcastStats').filter((c) => (c.request as Api.stats.GetBroadcastStats).channel instanceof Api.InputChannel)).toHaveLength(4)
    expect(sleeps).toEqual([100, 200])
    expect(summary.allFailed).toBe(false)
  })

  it('reports allFailed only when every peer failed', async () => {
    const fake = new FakeTelegram([simplePeer(1_500_000_011, 'brokenpeer')]).intercept((request) => {
      if (request instanceof Api.channels.GetFullChannel) throw new errors.RPCError('CHANNEL_PRIVATE', request, 400)
      return undefined
    })
    const { summary } = await run(fake, refs('brokenpeer', 'nobody_here'))
    expect(summary.outcomes.map((o) => o.status)).toEqual(['failed', 'failed'])
    expect(summary.outcomes[1]?.detail).toMatch(/USERNAME_NOT_OCCUPIED/)
    expect(summary.allFailed).toBe(true)
  })
})

describe('a supergroup', () => {
  it('loads getMegagroupStats, its top posters, admins and inviters, found by numeric id', async () => {
    const fake = new FakeTelegram([
      {
        channel: fakeChannel({ id: 1_500_000_020, title: 'Fruit Chat', megagroup: true }),
        canViewStats: true,
        statsDc: 4,
        admins: [{ userId: 300, creator: true }],
        stats: () =>
          megagroupStats(
            {
              membersGraph: graphOf(fixtureText(FIXTURES.joinedLeft)),
              messagesGraph: asyncGraph('token-messages'),
              topHoursGraph: graphOf(topHoursJson(Array(24).fill(1), Array(24).fill(2))),
            },
            {
              posters: [new Api.StatsGroupTopPoster({ userId: returnId(300), messages: 420, avgChars: 37 })],
              admins: [new Api.StatsGroupTopAdmin({ userId: returnId(300), deleted: 5, kicked: 2, banned: 1 })],
              inviters: [new Api.StatsGroupTopInviter({ userId: returnId(301), invitations: 12 })],
              users: [fakeUser(300, 'Ann', 'ann'), fakeUser(301, 'Bob')],
            },
          ),
      },
    ])
    fake.asyncGraphs.set('token-messages', { dcId: 4, graph: graphOf(fixtureText(FIXTURES.singleBar)) })
    const { summary } = await run(fake, refs('-1001500000020'))
    expect(summary.outcomes[0]).toMatchObject({ status: 'loaded', channelId: -1001500000020 })
    expect(fake.callsOf('messages.GetDialogs')).toHaveLength(1)
    expect(fake.callsOf('stats.GetMegagroupStats').map((c) => c.dcId)).toEqual([4])
    const top = await db.sql`
      SELECT role, user_id::int AS user_id, messages, avg_chars, deleted, kicked, banned, invitations, first_name, username
      FROM channel_top_members WHERE channel_id = -1001500000020 ORDER BY role`
    expect(top).toEqual([
      { role: 'admin', user_id: 300, messages: null, avg_chars: null, deleted: 5, kicked: 2, banned: 1, invitations: null, first_name: 'Ann', username: 'ann' },
      { role: 'inviter', user_id: 301, messages: null, avg_chars: null, deleted: null, kicked: null, banned: null, invitations: 12, first_name: 'Bob', username: null },
      { role: 'poster', user_id: 300, messages: 420, avg_chars: 37, deleted: null, kicked: null, banned: null, invitations: null, first_name: 'Ann', username: 'ann' },
    ])
    const overview = await db.sql`SELECT metric, current, previous FROM channel_overview WHERE channel_id = -1001500000020 ORDER BY metric`
    expect(overview.map((r) => `${r.metric}=${r.current}/${r.previous}`)).toEqual(['members=5400/5100', 'messages=12000/13000', 'posters=310/290', 'viewers=2100/2000'])
    const [messages] = await db.sql`SELECT sum(value) AS total FROM channel_daily WHERE channel_id = -1001500000020 AND metric = 'messages_graph.y0'`
    expect(messages?.total).toBe(rawSum(FIXTURES.singleBar, 'y0'))
    const [kind] = await db.sql`SELECT kind FROM stats_channels WHERE channel_id = -1001500000020`
    expect(kind?.kind).toBe('megagroup')
  })
})

function returnId(id: number) {
  return fakeUser(id, 'x').id
}
