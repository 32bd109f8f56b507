/**
 * The widget's size as a browser fetches it: each file of the built dist/um/ raw, gzip -9 (zlib
 * level 9) and brotli (quality 11), their total, and the first-paint set of the Users panel (the
 * entry and what it imports statically, followed through the built files: what loads on first
 * use is a dynamic `import()` and is not followed). `npm run size`, after `npm run build`;
 * `npm run size -- path/to/um` measures another build. The bench calls `measureWidget()`.
 * It only reads: dist/ is never written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface Bytes {
  raw: number;
  gzip: number;
  brotli: number;
}

export interface ChunkSize extends Bytes {
  file: string;
  /** `entry`: user-management.js; `locale`: a dictionary other than English (one per user). */
  kind: 'entry' | 'chunk' | 'locale';
  /** Part of what the Users panel needs for its first paint. */
  firstPaint: boolean;
}

export interface WidgetSize {
  chunks: ChunkSize[];
  /** Every file but the non-English dictionaries: all the code, were every panel opened. */
  whole: Bytes;
  /** The whole widget and the largest dictionary. */
  wholeWithLocale: Bytes;
  /** The entry and its static imports. */
  firstPaint: Bytes;
}

export const ENTRY = 'user-management.js';
const LOCALE = /^locale-/;

function sizes(content: Buffer): Bytes {
  return {
    raw: content.length,
    gzip: gzipSync(content, { level: 9 }).length,
    brotli: brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }).length,
  };
}

/**
 * The relative specifiers of a built module's static imports and re-exports (`import{a}from"./x.js"`,
 * `import"./x.js"`, `export*from"./x.js"`); `import("./x.js")` is a dynamic one and is skipped.
 */
export function staticImports(code: string): string[] {
  const pattern =
    /\b(?:import|export)\s*(?:\{[^}]*\}|\*(?:\s*as\s*[\w$]+)?|[\w$]+(?:\s*,\s*\{[^}]*\})?)?\s*(?:from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
  return [...code.matchAll(pattern)].map((match) => match[1]!);
}

function sum(list: Bytes[]): Bytes {
  return list.reduce(
    (total, x) => ({
      raw: total.raw + x.raw,
      gzip: total.gzip + x.gzip,
      brotli: total.brotli + x.brotli,
    }),
    { raw: 0, gzip: 0, brotli: 0 },
  );
}

/** Measures the built widget in `dir` (dist/um/ by default). */
export function measureWidget(
  dir = fileURLToPath(new URL('../dist/um/', import.meta.url)),
): WidgetSize {
  const files = readdirSync(dir).filter((name) => name.endsWith('.js'));
  if (!files.includes(ENTRY)) throw new Error(`no ${ENTRY} in ${dir}: run npm run build first`);
  const code = new Map(files.map((name) => [name, readFileSync(join(dir, name))]));

  const firstPaint = new Set<string>();
  const visit = (name: string) => {
    if (firstPaint.has(name)) return;
    const content = code.get(name);
    if (!content) throw new Error(`${name} is imported but not in ${dir}`);
    firstPaint.add(name);
    for (const specifier of staticImports(content.toString('utf8'))) {
      visit(posix.normalize(specifier));
    }
  };
  visit(ENTRY);

  const chunks: ChunkSize[] = files
    .map((file) => ({
      file,
      kind:
        file === ENTRY
          ? ('entry' as const)
          : LOCALE.test(file)
            ? ('locale' as const)
            : ('chunk' as const),
      firstPaint: firstPaint.has(file),
      ...sizes(code.get(file)!),
    }))
    .sort((a, b) => Number(b.firstPaint) - Number(a.firstPaint) || b.gzip - a.gzip);
  const code_ = chunks.filter((chunk) => chunk.kind !== 'locale');
  const locales = chunks.filter((chunk) => chunk.kind === 'locale');
  const largestLocale = locales.reduce<Bytes[]>(
    (best, x) => (best[0] && best[0].gzip >= x.gzip ? best : [x]),
    [],
  );
  return {
    chunks,
    whole: sum(code_),
    wholeWithLocale: sum([...code_, ...largestLocale]),
    firstPaint: sum(chunks.filter((chunk) => chunk.firstPaint)),
  };
}

/** The figures as a Markdown table (what docs/benchmarks.md shows). */
export function formatWidgetSize(size: WidgetSize): string {
  const kb = (n: number) => (n / 1000).toFixed(1);
  const row = (label: string, b: Bytes) =>
    `| ${label} | ${b.raw.toLocaleString('en')} | ${b.gzip.toLocaleString('en')} (${kb(b.gzip)} KB) | ${b.brotli.toLocaleString('en')} |`;
  return [
    '| file | raw B | gzip -9 B | brotli B |',
    '|---|---:|---:|---:|',
    ...size.chunks.map((chunk) =>
      row(`${chunk.file}${chunk.firstPaint ? ' (first paint)' : ''}`, chunk),
    ),
    row('**first paint of the Users panel**', size.firstPaint),
    row('**whole widget** (all but the other languages)', size.whole),
    row('whole widget and the largest dictionary', size.wholeWithLocale),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  console.log(formatWidgetSize(dir ? measureWidget(dir) : measureWidget()));
}
