import { readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { GlobalFonts } from '@napi-rs/canvas'

// Google's Noto fonts as sliced by fontsource: each package is a set of woff2 files, one per
// unicode-range slice. Registering every slice under one alias makes Skia treat them as one
// family, so a single name in ctx.font covers the whole script. Variable weight axis: 400 and 700
// both come from the same files.
interface FontPackage {
  pkg: string
  alias: string
  file: RegExp
}

const SANS: FontPackage = { pkg: '@fontsource-variable/noto-sans', alias: 'Chart Sans', file: /-wght-normal\.woff2$/ }
const ARABIC: FontPackage = { pkg: '@fontsource-variable/noto-sans-arabic', alias: 'Chart Arabic', file: /-wght-normal\.woff2$/ }
const HEBREW: FontPackage = { pkg: '@fontsource-variable/noto-sans-hebrew', alias: 'Chart Hebrew', file: /-wght-normal\.woff2$/ }
const DEVANAGARI: FontPackage = { pkg: '@fontsource-variable/noto-sans-devanagari', alias: 'Chart Devanagari', file: /-wght-normal\.woff2$/ }
const THAI: FontPackage = { pkg: '@fontsource-variable/noto-sans-thai', alias: 'Chart Thai', file: /-wght-normal\.woff2$/ }
const SC: FontPackage = { pkg: '@fontsource-variable/noto-sans-sc', alias: 'Chart SC', file: /-wght-normal\.woff2$/ }
const TC: FontPackage = { pkg: '@fontsource-variable/noto-sans-tc', alias: 'Chart TC', file: /-wght-normal\.woff2$/ }
const JP: FontPackage = { pkg: '@fontsource-variable/noto-sans-jp', alias: 'Chart JP', file: /-wght-normal\.woff2$/ }
const KR: FontPackage = { pkg: '@fontsource-variable/noto-sans-kr', alias: 'Chart KR', file: /-wght-normal\.woff2$/ }
const EMOJI: FontPackage = { pkg: '@fontsource/noto-color-emoji', alias: 'Chart Emoji', file: /-400-normal\.woff2$/ }

const ALL_PACKAGES = [SANS, ARABIC, HEBREW, DEVANAGARI, THAI, SC, TC, JP, KR, EMOJI]

const KANA = /[\u3040-\u30ff\u31f0-\u31ff]/u
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/u

const require = createRequire(import.meta.url)
let registered = false

function registerPackage({ pkg, alias, file }: FontPackage): void {
  const filesDir = join(dirname(require.resolve(`${pkg}/package.json`)), 'files')
  const names = readdirSync(filesDir).filter((name) => file.test(name))
  let loaded = 0
  for (const name of names) {
    if (GlobalFonts.registerFromPath(join(filesDir, name), alias)) loaded++
  }
  // Without these files every label of that script would be blank boxes: a broken install, not bad data.
  if (loaded === 0) throw new Error(`font package ${pkg} has no loadable files in ${filesDir}`)
}

/** Registers the bundled fonts once. About a second of blocking work, so call it at start-up; renderers call it too. */
export function registerChartFonts(): void {
  if (registered) return
  for (const fontPackage of ALL_PACKAGES) registerPackage(fontPackage)
  registered = true
}

/**
 * The family list for ctx.font. Han ideographs are shared by Chinese, Japanese and Korean but drawn
 * differently, so kana or hangul in the text moves that language's font ahead of Chinese.
 */
export function fontFamilies(text = ''): string {
  let cjk = [SC, TC, JP, KR]
  if (KANA.test(text)) cjk = [JP, SC, TC, KR]
  else if (HANGUL.test(text)) cjk = [KR, SC, TC, JP]
  // Emoji last: the emoji font also carries digits and '#' for keycaps, which must not win over Sans.
  const stack = [SANS, ARABIC, HEBREW, DEVANAGARI, THAI, ...cjk, EMOJI]
  return stack.map((font) => `"${font.alias}"`).join(', ')
}

/** A complete ctx.font value for `text` at `sizePx`. */
export function chartFont(sizePx: number, weight: 400 | 600 | 700 = 400, text = ''): string {
  return `${weight} ${sizePx}px ${fontFamilies(text)}`
}
