import { InlineKeyboard } from 'grammy'

export type AnswerKind = 'stats' | 'heatmap' | 'top' | 'top-reactions'

const CODES: Record<AnswerKind, string> = { stats: 's', heatmap: 'h', top: 't', 'top-reactions': 'r' }
const KINDS = new Map(Object.entries(CODES).map(([kind, code]) => [code, kind as AnswerKind]))

export const BUTTON_PERIODS = ['7d', '30d', '90d', 'all'] as const

export interface PeriodButton {
  kind: AnswerKind
  period: string
  chatId: number
}

// 'p:<kind>:<period>:<chat id>', at most ~45 bytes for the longest range; Telegram allows 64.
const DATA = /^p:([shtr]):([0-9a-z.-]{1,22}):(-?\d{1,16})$/

export function encodeButton(button: PeriodButton): string {
  return `p:${CODES[button.kind]}:${button.period}:${button.chatId}`
}

/** The button's meaning, or undefined for data this version never made (an expired layout). */
export function decodeButton(data: string): PeriodButton | undefined {
  const match = DATA.exec(data)
  const kind = match && KINDS.get(match[1] as string)
  if (!match || !kind) return undefined
  return { kind, period: match[2] as string, chatId: Number(match[3]) }
}

/** 7d · 30d · 90d · all under an answer; the shown period is marked. */
export function periodKeyboard(kind: AnswerKind, shownPeriod: string, chatId: number): InlineKeyboard {
  const keyboard = new InlineKeyboard()
  for (const period of BUTTON_PERIODS) {
    keyboard.text(period === shownPeriod ? `• ${period} •` : period, encodeButton({ kind, period, chatId }))
  }
  return keyboard
}
