import { Composer, type Context, GrammyError, HttpError, InputFile } from 'grammy'
import type { Logger } from 'pino'
import type { Sql } from 'postgres'
import {
  dailyMetric,
  findStatsChannel,
  latestOverview,
  metricLabel,
  storedAdminStatus,
  type ChannelOverview,
  type StatsChannel,
} from '../../db/queries/channel-stats.ts'
import { parsePeerRef, type PeerRef } from '../../stats-loader/peer-ref.ts'
import { renderChart } from '../render/index.ts'

export interface ChannelStatsDeps {
  sql: Sql
  log: Logger
  /** How old the stats-loader's admin list may be and still grant access (default 48 h). */
  adminListMaxAgeMs?: number
  now?: () => Date
}

type Access = { ok: true; source: 'live' } | { ok: true; source: 'admin_list'; fetchedAt: Date } | { ok: false }

const USAGE = 'Usage: /channelstats @channel — or a t.me link, or the -100… id of a channel or supergroup you administer.'
const PRIVATE_ONLY = 'Channel statistics are for admins only: send /channelstats to me in a private chat.'
const CHART_DAYS = 90
const DEFAULT_ADMIN_LIST_MAX_AGE_MS = 48 * 3_600_000

/** `/channelstats <channel>`: Telegram's official statistics loaded by the stats-loader, for admins only. */
export function createChannelStatsFeature(deps: ChannelStatsDeps): Composer<Context> {
  const composer = new Composer<Context>()
  composer.command('channelstats', async (ctx) => {
    if (ctx.chat.type !== 'private') {
      await ctx.reply(PRIVATE_ONLY, { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } })
      return
    }
    const arg = ctx.match.trim()
    const ref = arg ? parsePeerRef(arg) : undefined
    if (!ref || 'error' in ref) {
      await ctx.reply(arg ? `“${arg}” ${ref && 'error' in ref ? ref.error : ''}.\n${USAGE}` : USAGE)
      return
    }
    const log = deps.log.child({ command: 'channelstats', user_id: ctx.from?.id, peer: arg })
    const { sql } = deps
    const channel = await findStatsChannel(sql, ref.kind === 'username' ? { username: ref.username } : { channelId: Number(`-100${ref.channelId}`) })
    const access = await checkAdmin(ctx, deps, ref, channel, log)
    if (!access.ok) {
      await ctx.reply(
        `I can’t confirm that you are an admin of ${arg}, so I won’t show its statistics.\n` +
          'I ask Telegram when I can see the chat; otherwise I rely on the admin list the stats-loader fetched in the last ' +
          `${Math.round((deps.adminListMaxAgeMs ?? DEFAULT_ADMIN_LIST_MAX_AGE_MS) / 3_600_000)} hours.`,
      )
      return
    }
    if (!channel) {
      await ctx.reply(`No Telegram statistics have been loaded for ${arg}. Whoever runs this bot can add it to MTPROTO_STATS_PEERS of the stats-loader.`)
      return
    }
    const overview = await latestOverview(sql, channel.channelId)
    if (!overview) {
      await ctx.reply(`Statistics for ${channel.title} have not been loaded yet (last stats-loader run: ${channel.lastStatus}).`)
      return
    }
    const now = (deps.now ?? (() => new Date()))()
    await ctx.reply(`${overviewText(channel, overview)}\n\n${accessNote(access, now)}`)
    const chart = await chartFor(sql, channel, overview)
    await ctx.replyWithPhoto(new InputFile(chart, 'channel-stats.png'))
  })
  return composer
}

/**
 * Asks Telegram first (getChatMember works when the bot can see the chat); only when the bot
 * cannot see it does the stats-loader's admin list decide, and only while it is recent.
 */
async function checkAdmin(ctx: Context, deps: ChannelStatsDeps, ref: PeerRef, channel: StatsChannel | undefined, log: Logger): Promise<Access> {
  const userId = ctx.from?.id
  if (userId === undefined) return { ok: false }
  const chatId = channel?.channelId ?? (ref.kind === 'username' ? `@${ref.username}` : Number(`-100${ref.channelId}`))
  try {
    const member = await ctx.api.getChatMember(chatId, userId)
    return member.status === 'creator' || member.status === 'administrator' ? { ok: true, source: 'live' } : { ok: false }
  } catch (error) {
    if (!(error instanceof GrammyError) && !(error instanceof HttpError)) throw error
    log.debug({ err: error }, 'getChatMember failed; falling back to the stats-loader admin list')
  }
  if (!channel) return { ok: false }
  const stored = await storedAdminStatus(deps.sql, channel.channelId, userId)
  const now = (deps.now ?? (() => new Date()))().getTime()
  const maxAge = deps.adminListMaxAgeMs ?? DEFAULT_ADMIN_LIST_MAX_AGE_MS
  if (!stored || now - stored.fetchedAt.getTime() > maxAge) return { ok: false }
  return { ok: true, source: 'admin_list', fetchedAt: stored.fetchedAt }
}

const FIGURES: Record<StatsChannel['kind'], [metric: string, label: string][]> = {
  broadcast: [
    ['followers', 'Followers'],
    ['views_per_post', 'Views per post'],
    ['shares_per_post', 'Shares per post'],
    ['reactions_per_post', 'Reactions per post'],
    ['views_per_story', 'Views per story'],
    ['shares_per_story', 'Shares per story'],
    ['reactions_per_story', 'Reactions per story'],
  ],
  megagroup: [
    ['members', 'Members'],
    ['messages', 'Messages'],
    ['viewers', 'Viewing members'],
    ['posters', 'Posting members'],
  ],
}

export function overviewText(channel: StatsChannel, overview: ChannelOverview): string {
  const figures = new Map(overview.figures.map((f) => [f.metric, f]))
  const lines = [
    `📊 ${channel.title}${channel.username ? ` (@${channel.username})` : ''}`,
    `Telegram statistics for ${formatDay(overview.periodStart)} – ${formatDay(overview.periodEnd)}, compared with the period before:`,
  ]
  for (const [metric, label] of FIGURES[channel.kind]) {
    const f = figures.get(metric)
    // Story figures are all zero for channels without stories; leave them out.
    if (!f || (metric.endsWith('_story') && f.current === 0 && f.previous === 0)) continue
    lines.push(`${label}: ${formatNumber(f.current)} (${formatChange(f.current, f.previous)})`)
  }
  const notifications = figures.get('enabled_notifications')
  if (notifications && notifications.previous > 0) {
    lines.push(`Notifications on: ${((notifications.current / notifications.previous) * 100).toFixed(1)}% of followers`)
  }
  lines.push(`Loaded ${overview.fetchedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`)
  return lines.join('\n')
}

function accessNote(access: Access & { ok: true }, now: Date): string {
  if (access.source === 'live') return 'Admin rights checked with Telegram just now.'
  const hours = Math.max(0, Math.floor((now.getTime() - access.fetchedAt.getTime()) / 3_600_000))
  return `Admin rights taken from the admin list the stats-loader fetched ${hours < 1 ? 'less than an hour' : `${hours} h`} ago (I can’t see this chat myself).`
}

async function chartFor(sql: Sql, channel: StatsChannel, overview: ChannelOverview): Promise<Buffer> {
  const [first, second] =
    channel.kind === 'broadcast'
      ? [{ metric: 'growth_graph.y0', fallback: 'Followers' }, { metric: 'interactions_graph.y0', fallback: 'Views' }]
      : [{ metric: 'growth_graph.y0', fallback: 'Members' }, { metric: 'messages_graph.y0', fallback: 'Messages' }]
  const series = await Promise.all(
    [first, second].map(async ({ metric, fallback }, i) => ({
      label: (await metricLabel(sql, channel.channelId, metric)) ?? fallback,
      color: i === 0 ? '#2f80ed' : '#27ae60',
      days: await dailyMetric(sql, channel.channelId, metric, CHART_DAYS),
    })),
  )
  return renderChart({ kind: 'channel', input: {
    title: channel.title,
    subtitle: `Telegram statistics · last ${CHART_DAYS} days up to ${formatDay(overview.periodEnd)}`,
    series,
  } })
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function formatNumber(value: number): string {
  return number.format(value)
}

export function formatChange(current: number, previous: number): string {
  const diff = current - previous
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±'
  const abs = formatNumber(Math.abs(diff))
  if (previous === 0) return `${sign}${abs}`
  return `${sign}${abs}, ${sign}${Math.abs((diff / previous) * 100).toFixed(1)}%`
}

function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`
}
