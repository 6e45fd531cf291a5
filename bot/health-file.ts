import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { utimes, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { ConfigError } from './config.ts'
import type { Logger } from './logger.ts'

/**
 * Throws a ConfigError when the bot could not keep `file` touched (its directory missing or not
 * writable): said once at start, not warned of every 10 s once polling runs. Nothing is written.
 */
export function checkHealthFile(file: string): void {
  const problem = healthFileProblem(file)
  if (problem) throw new ConfigError(`HEALTH_FILE ${file} cannot be written: ${problem}`)
}

function healthFileProblem(file: string): string | undefined {
  const dir = dirname(resolve(file))
  try {
    if (existsSync(file)) {
      if (statSync(file).isDirectory()) return 'it is a directory'
      // Rewritten when its time cannot be set (another user's file): writing is what it takes.
      accessSync(file, constants.W_OK)
    } else {
      if (!statSync(dir).isDirectory()) return `${dir} is not a directory`
      accessSync(dir, constants.W_OK | constants.X_OK)
    }
    return undefined
  } catch (error) {
    switch ((error as NodeJS.ErrnoException).code) {
      case 'ENOENT': return `the directory ${dir} does not exist`
      case 'ENOTDIR': return `a part of ${dir} is not a directory`
      case 'EACCES':
      case 'EPERM': return `user id ${process.getuid?.()} may not write there`
      case 'EROFS': return 'the file system is read-only'
      default: return (error as Error).message
    }
  }
}

/** Touches the file while the bot is healthy, so `find FILE -mmin -1` (or an mtime check) tells. */
export function startHeartbeat(file: string, healthy: () => boolean, log: Logger): void {
  const beat = async () => {
    if (!healthy()) return
    try {
      const now = new Date()
      await utimes(file, now, now).catch(() => writeFile(file, ''))
    } catch (error) {
      log.warn({ err: error, file }, 'could not touch the health file')
    }
  }
  void beat()
  setInterval(() => void beat(), 10_000).unref()
}
