import { readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createCanvas, GlobalFonts } from '@napi-rs/canvas'

// Google's Noto fonts as packaged by fontsource. Most packages are sliced into one woff2 file per
// unicode range; registering every slice under one alias makes Skia treat them as one family. The
// variable weight axis gives 400 and 700 from the same files.
interface FontPackage {
  pkg: string
  alias: string
  file: RegExp
  /** Text that needs this font; Sans is always in the stack. */
  script?: RegExp
}

const VARIABLE_UPRIGHT = /-wght-normal\.woff2$/
const HAN = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u
const HANGUL = /\p{Script=Hangul}/u

const SANS: FontPackage = { pkg: '@fontsource-variable/noto-sans', alias: 'Chart Sans', file: VARIABLE_UPRIGHT }
const ARABIC: FontPackage = { pkg: '@fontsource-variable/noto-sans-arabic', alias: 'Chart Arabic', file: VARIABLE_UPRIGHT, script: /\p{Script=Arabic}/u }
const HEBREW: FontPackage = { pkg: '@fontsource-variable/noto-sans-hebrew', alias: 'Chart Hebrew', file: VARIABLE_UPRIGHT, script: /\p{Script=Hebrew}/u }
const DEVANAGARI: FontPackage = { pkg: '@fontsource-variable/noto-sans-devanagari', alias: 'Chart Devanagari', file: VARIABLE_UPRIGHT, script: /\p{Script=Devanagari}/u }
const THAI: FontPackage = { pkg: '@fontsource-variable/noto-sans-thai', alias: 'Chart Thai', file: VARIABLE_UPRIGHT, script: /\p{Script=Thai}/u }
const SC: FontPackage = { pkg: '@fontsource-variable/noto-sans-sc', alias: 'Chart SC', file: VARIABLE_UPRIGHT }
const TC: FontPackage = { pkg: '@fontsource-variable/noto-sans-tc', alias: 'Chart TC', file: VARIABLE_UPRIGHT }
const JP: FontPackage = { pkg: '@fontsource-variable/noto-sans-jp', alias: 'Chart JP', file: VARIABLE_UPRIGHT }
const KR: FontPackage = { pkg: '@fontsource-variable/noto-sans-kr', alias: 'Chart KR', file: VARIABLE_UPRIGHT }
// The "emoji" file is the whole colour font in one piece; the numbered files are slices of it.
const EMOJI: FontPackage = {
  pkg: '@fontsource/noto-color-emoji',
  alias: 'Chart Emoji',
  file: /-emoji-400-normal\.woff2$/,
  // Not \p{Emoji_Component}: that includes the digits, and every axis label would pull this font in.
  script: /[\p{Extended_Pictographic}\p{Regional_Indicator}\p{So}\u20e3\ufe0f]/u,
}

const ALL_PACKAGES = [SANS, ARABIC, HEBREW, DEVANAGARI, THAI, SC, TC, JP, KR, EMOJI]
const WEIGHTS = [400, 700] as const
export type FontWeight = (typeof WEIGHTS)[number]

/** What every chart draws: digits, Latin and Cyrillic, all in Noto Sans. */
const WARM_UP_TEXT = 'Aa Яя Ωω 0123456789 %'

const require = createRequire(import.meta.url)
let registered = false
let warm = false

function registerPackage({ pkg, alias, file }: FontPackage): void {
  const filesDir = join(dirname(require.resolve(`${pkg}/package.json`)), 'files')
  let loaded = 0
  for (const name of readdirSync(filesDir)) {
    if (file.test(name) && GlobalFonts.registerFromPath(join(filesDir, name), alias)) loaded++
  }
  // Without these files every label in that script would be blank boxes: a broken install, not bad data.
  if (loaded === 0) throw new Error(`font package ${pkg} has no loadable files in ${filesDir}`)
}

/** Registers the bundled fonts once (about a second); the renderers call it themselves. */
export function registerChartFonts(): void {
  if (registered) return
  for (const fontPackage of ALL_PACKAGES) registerPackage(fontPackage)
  registered = true
}

/**
 * Registers the fonts and draws Noto Sans at every weight once: Skia matches a family's typefaces
 * on its first use at a weight, and every chart needs Sans, so that cost never lands on a request.
 * The other scripts' fonts are matched when a chart first needs them (emoji and each CJK font
 * 0.16–0.35 s at the first weight, 0.07–0.18 s at the second, once per process): warmed up here
 * they held about 216 MB for the life of the process (emoji 107 MB, the four CJK fonts 109 MB),
 * which most bots, whose groups write no CJK, never use.
 */
export function warmUpChartFonts(): void {
  registerChartFonts()
  if (warm) return
  const ctx = createCanvas(16, 16).getContext('2d')
  for (const weight of WEIGHTS) {
    ctx.font = chartFont(16, weight, WARM_UP_TEXT)
    ctx.fillText(WARM_UP_TEXT, 0, 12)
  }
  warm = true
}

/**
 * The family list for ctx.font: Noto Sans first, then only the fonts `text` needs, since Skia
 * resolves every family listed even if no character falls back to it. Han ideographs are shared by
 * Chinese, Japanese and Korean but drawn differently, so kana or hangul put that language's font first.
 */
export function fontFamilies(text = ''): string {
  const stack = [SANS, ...[ARABIC, HEBREW, DEVANAGARI, THAI].filter((f) => f.script?.test(text)), ...cjkFonts(text)]
  // Emoji last: the emoji font also carries digits and '#' for keycaps, which must not win over Sans.
  if (EMOJI.script?.test(text)) stack.push(EMOJI)
  return stack.map((font) => `"${font.alias}"`).join(', ')
}

function cjkFonts(text: string): FontPackage[] {
  const kana = KANA.test(text)
  const hangul = HANGUL.test(text)
  if (!kana && !hangul && !HAN.test(text)) return []
  if (kana) return hangul ? [JP, KR, SC, TC] : [JP, SC, TC]
  if (hangul) return [KR, SC, TC]
  return [SC, TC]
}

/** A complete ctx.font value for `text` at `sizePx`. */
export function chartFont(sizePx: number, weight: FontWeight = 400, text = ''): string {
  return `${weight} ${sizePx}px ${fontFamilies(text)}`
}
