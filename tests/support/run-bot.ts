import { spawn, type ChildProcess } from 'node:child_process'

export interface BotProcess {
  bot: ChildProcess
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>
  /** Everything it wrote so far, stdout and stderr. */
  output(): string
}

/** Starts the real bot process (bot/main.ts) with `env` (and PATH). */
export function startBot(env: Record<string, string>): BotProcess {
  const bot = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  bot.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  bot.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => bot.once('exit', resolve))
  return { bot, exited, output: () => output }
}

/**
 * Runs the real bot process until it exits by itself: its exit code and everything it wrote.
 * Should it keep running, it is killed after `timeoutMs` (the code is then null), so that it
 * never outlives the test.
 */
export async function runBotUntilExit(env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const { bot, exited, output } = startBot(env)
  const guard = setTimeout(() => bot.kill('SIGKILL'), timeoutMs)
  const code = await exited
  clearTimeout(guard)
  return { code, output: output() }
}
