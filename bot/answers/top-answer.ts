import type { ChatSettings } from '../../db/queries/chat-stats-contract.ts'
import type { ResolvedPeriod } from '../periods.ts'
import type { Answer } from './answer-cache.ts'
import type { AnswerDeps } from './answer-deps.ts'
import { displayName, formatCount, formatShare } from './format.ts'
import { periodHeader } from './period-header.ts'

export const TOP_LIMIT = 10

/** /top and /top reactions: the ten senders with the most messages, or reactions received. */
export async function buildTopAnswer(
  deps: AnswerDeps, chatId: number, settings: ChatSettings, period: ResolvedPeriod, by: 'messages' | 'reactions',
): Promise<Answer> {
  const top = await deps.queries.getTopSenders(deps.sql, chatId, period.range, by, TOP_LIMIT)
  const title = by === 'messages' ? '🏆 Top senders' : '🏆 Top by reactions received'
  const lines = [periodHeader(title, period, settings.timeZone), '']
  if (top.entries.length === 0 || top.total === 0) {
    lines.push(by === 'messages' ? 'No messages in this period.' : 'No reactions in this period.')
  } else {
    top.entries.forEach((entry, i) => {
      const name = displayName(entry.name, entry.isChat ? 'A chat' : 'Deleted account')
      lines.push(`${i + 1}. ${name} — ${formatCount(entry.count)} (${formatShare(entry.count, top.total)})`)
    })
    lines.push('', `Total: ${formatCount(top.total)} ${by}`)
  }
  return { kind: 'text', text: lines.join('\n') }
}
