import type { ActivityEntry } from '../../shared/activity.ts';

/**
 * The Activity export as CSV (RFC 4180: comma-separated, CRLF, quoted where needed). Names and
 * emails are typed by people, so a cell is never taken for a formula by a spreadsheet: one that
 * starts with = + - @ (or a tab or carriage return, which some spreadsheets skip) gets a leading
 * apostrophe (OWASP's "CSV injection").
 */

export const CSV_COLUMNS = [
  'date',
  'action',
  'actor_id',
  'actor_name',
  'actor_email',
  'via',
  'token_id',
  'token_name',
  'target_type',
  'target_id',
  'target_name',
  'target_email',
  'ip',
  'request_id',
  'details',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cells(entry: ActivityEntry): (string | number | null | undefined)[] {
  return [
    entry.date,
    entry.action,
    entry.actor?.id,
    entry.actor?.name,
    entry.actor?.email,
    entry.via,
    entry.token?.id,
    entry.token?.name,
    entry.target?.type,
    entry.target?.id,
    entry.target?.name,
    entry.target?.email,
    entry.ip,
    entry.request_id,
    Object.keys(entry.details).length ? JSON.stringify(entry.details) : '',
  ];
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvLine(entry: ActivityEntry): string {
  return `${cells(entry).map(csvCell).join(',')}\r\n`;
}
