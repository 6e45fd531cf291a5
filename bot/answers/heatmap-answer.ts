import type { ChatSettings } from '../../db/queries/chat-stats-contract.ts'
import { WEEKDAYS, type ResolvedPeriod } from '../periods.ts'
import { renderChart } from '../render/index.ts'
import type { Answer } from './answer-cache.ts'
import type { AnswerDeps } from './answer-deps.ts'
import { formatCount } from './format.ts'
import { capitalize, periodHeader } from './period-header.ts'

/** /heatmap: messages by local weekday × hour, and the busiest hour in words. */
export async function buildHeatmapAnswer(deps: AnswerDeps, chatId: number, settings: ChatSettings, period: ResolvedPeriod): Promise<Answer> {
  const cells = await deps.queries.getHeatmap(deps.sql, chatId, period.range)
  const photo = await renderChart({ kind: 'heatmap', input: {
    title: settings.title ? `Activity by hour · ${settings.title}` : 'Activity by hour',
    subtitle: `${capitalize(period.label)} · ${settings.timeZone}`,
    cells,
  } })
  const peak = busiestHour(cells)
  const busiest = peak
    ? `Busiest: ${WEEKDAYS[peak.weekday]} ${hour(peak.hour)}–${hour(peak.hour + 1)} (${formatCount(peak.messages)} messages)`
    : 'Busiest: no messages in this period'
  return { kind: 'photo', photo, caption: `${periodHeader('🕒 Activity by weekday and hour', period, settings.timeZone)}\n\n${busiest}` }
}

/** The cell with the most messages; on a tie the earliest in the week wins. */
export function busiestHour(cells: number[][]): { weekday: number; hour: number; messages: number } | undefined {
  let best: { weekday: number; hour: number; messages: number } | undefined
  cells.slice(0, 7).forEach((row, weekday) =>
    row.slice(0, 24).forEach((messages, hour) => {
      if (messages > 0 && (!best || messages > best.messages)) best = { weekday, hour, messages }
    }),
  )
  return best
}

const hour = (h: number) => `${String(h).padStart(2, '0')}:00`
