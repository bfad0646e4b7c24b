// Export formats and the report webview's Content Security Policy. Pure, unit-tested.
import type { ExportFormat } from './protocol';

export interface FormatChoice {
  format: ExportFormat;
  label: string;
  detail: string;
  extension: string;
  filterName: string;
}

export const FORMATS: FormatChoice[] = [
  { format: 'html', label: 'HTML report', detail: 'One self-contained page: timeline, per-step progress, evidence, open security lessons.', extension: 'html', filterName: 'HTML' },
  { format: 'md', label: 'Markdown', detail: 'Paste into a code review or a mentor chat.', extension: 'md', filterName: 'Markdown' },
  { format: 'jsonl', label: 'JSON Lines', detail: 'One event per line, for tools (hash-chained; `roadmap-coach verify` checks it).', extension: 'jsonl', filterName: 'JSON Lines' },
];

export function defaultExportName(format: ExportFormat, date: Date = new Date()): string {
  const choice = FORMATS.find((f) => f.format === format);
  const day = date.toISOString().slice(0, 10);
  return `roadmap-progress-${day}.${choice ? choice.extension : format}`;
}

/** No scripts, no network, nothing but the report's own inline styles and inline images. */
export function reportCsp(cspSource: string): string {
  return [
    "default-src 'none'",
    `style-src 'unsafe-inline' ${cspSource}`,
    `img-src data: ${cspSource}`,
    `font-src ${cspSource}`,
    "script-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * Puts the CSP meta first in <head>, before anything that could load. Policies combine by
 * intersection, so a policy already in the export can only make it stricter.
 */
export function withCsp(html: string, csp: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) {
    const at = head.index + head[0].length;
    return html.slice(0, at) + meta + html.slice(at);
  }
  const htmlTag = /<html(\s[^>]*)?>/i.exec(html);
  if (htmlTag) {
    const at = htmlTag.index + htmlTag[0].length;
    return html.slice(0, at) + `<head>${meta}</head>` + html.slice(at);
  }
  return `<!DOCTYPE html><html><head>${meta}</head><body>${html}</body></html>`;
}
