import type { ChatSettings, PeriodTotals } from '../../db/queries/chat-stats-contract.ts'
import { formatDay, formatSpan, WEEKDAYS, weekdayOf, type ResolvedPeriod } from '../periods.ts'
import { renderChart } from '../render/index.ts'
import type { Answer } from './answer-cache.ts'
import type { AnswerDeps } from './answer-deps.ts'
import { formatChange, formatCount, formatDecimal, formatSigned } from './format.ts'
import { capitalize, periodHeader } from './period-header.ts'

/** /stats: the period's figures against the period before, over a chart of messages per day. */
export async function buildStatsAnswer(deps: AnswerDeps, chatId: number, settings: ChatSettings, period: ResolvedPeriod): Promise<Answer> {
  const { sql, queries } = deps
  const figures = await queries.getStatsFigures(sql, chatId, period.range, period.previous ?? undefined)
  const photo = await renderChart({ kind: 'daily', input: {
    title: settings.title ? `Messages per day · ${settings.title}` : 'Messages per day',
    subtitle: `${capitalize(period.label)} · ${settings.timeZone}`,
    days: figures.daily.map((d) => ({ day: d.day, value: d.messages })),
    compare: figures.previous?.daily.map((d) => ({ day: d.day, value: d.messages })),
  } })
  return { kind: 'photo', photo, caption: statsCaption(settings, period, figures.totals, figures.previous?.totals) }
}

export function statsCaption(settings: ChatSettings, period: ResolvedPeriod, t: PeriodTotals, p: PeriodTotals | undefined): string {
  const vs = (current: number, before: number | undefined) => (before === undefined ? '' : ` (${formatChange(current, before)})`)
  const perUser = (totals: PeriodTotals) => (totals.activeUsers > 0 ? totals.messages / totals.activeUsers : 0)
  const net = t.joins - t.leaves
  const lines = [
    periodHeader('📊 Statistics', period, settings.timeZone),
    '',
    `Messages: ${formatCount(t.messages)}${vs(t.messages, p?.messages)}`,
    `Active users: ${formatCount(t.activeUsers)}${vs(t.activeUsers, p?.activeUsers)}`,
    `Messages per active user: ${t.activeUsers > 0 ? formatDecimal(perUser(t)) : '—'}${p && t.activeUsers > 0 && p.activeUsers > 0 ? ` (${formatChange(perUser(t), perUser(p))})` : ''}`,
    `Joins: ${formatCount(t.joins)}${vs(t.joins, p?.joins)}`,
    `Leaves: ${formatCount(t.leaves)}${vs(t.leaves, p?.leaves)}`,
    // A percentage of a net figure that may be negative says little; show the earlier figure.
    `Net growth: ${formatSigned(net)}${p ? ` (before: ${formatSigned(p.joins - p.leaves)})` : ''}`,
    `Reactions: ${formatCount(t.reactions)}${vs(t.reactions, p?.reactions)}`,
    `Busiest day: ${t.busiestDay && t.busiestDay.messages > 0 ? `${WEEKDAYS[weekdayOf(t.busiestDay.day)]} ${formatDay(t.busiestDay.day)}, ${formatCount(t.busiestDay.messages)} messages` : 'none'}`,
  ]
  if (period.previous) lines.push('', `Changes are against ${formatSpan(period.previous.from, period.previous.to)}.`)
  return lines.join('\n')
}
