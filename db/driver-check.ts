import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { PATCHES } from './driver-patches.mjs'

/**
 * The fixes of db/patch-driver.mjs missing from the installed postgres.js: npm runs the script
 * after installing, but not with --ignore-scripts. Without them a replayed batch would hang its
 * lane (a refused COPY never settled) and a dropped connection could crash the process.
 */
export function missingDriverFixes(connectionFile = installedConnectionFile()): string[] {
  const code = readFileSync(connectionFile, 'utf8')
  return PATCHES.filter((patch) => !code.includes(patch.mark)).map((patch) => patch.mark)
}

/** The ESM connection.js the bot runs (require.resolve gives the CommonJS entry, cjs/src/index.js). */
function installedConnectionFile(): string {
  const root = path.resolve(path.dirname(createRequire(import.meta.url).resolve('postgres')), '../..')
  return path.join(root, 'src/connection.js')
}
