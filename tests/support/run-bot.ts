import { spawn } from 'node:child_process'

/**
 * Runs the real bot process (bot/main.ts) with `env` (and PATH) until it exits by itself: its
 * exit code and everything it wrote, stdout and stderr. Should it keep running, it is killed
 * after `timeoutMs` (the code is then null), so that it never outlives the test.
 */
export async function runBotUntilExit(env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const bot = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  bot.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  bot.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const guard = setTimeout(() => bot.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>((resolve) => bot.once('exit', resolve))
  clearTimeout(guard)
  return { code, output }
}
