import pino, { type Logger } from 'pino'

export interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}

/** A real pino logger writing JSON lines into an array the test can read. */
export function memoryLogger(level = 'debug'): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = []
  const log = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) })
  return { log, lines }
}

export const PINO_ERROR = 50
export const PINO_WARN = 40
export const PINO_INFO = 30
