// A checkpoint's (or a lesson's) page as the HTML of a webview: the server's markdown
// (`roadmapCoach/explain`) rendered with markdown-it (raw HTML off), under a CSP without scripts,
// with links to the pages of what comes next and to the code that earned it. Pure: no `vscode`
// import, so it is unit-tested.
import MarkdownIt from 'markdown-it';
import type { Evidence, ExplainPage, Progress } from './protocol';
import { escapeMarkdown, plainLine } from './text';
import { evidencePlace, shortDate } from './roadmapModel';

export const OPEN_CHECKPOINT_UI = 'roadmapCoach.openCheckpoint';
export const OPEN_EVIDENCE_UI = 'roadmapCoach.ui.openEvidence';
/** The only commands a page may run from its links. */
export const PAGE_COMMANDS = [OPEN_CHECKPOINT_UI, OPEN_EVIDENCE_UI];

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

interface RenderEnv {
  /** Checkpoint ids whose `code` spans become links to their pages. */
  pages: Set<string>;
  linked: Set<string>;
}

// The page names what comes next by id (`api.request-json`): that code span opens its page.
const renderCode = md.renderer.rules.code_inline!;
md.renderer.rules.code_inline = (tokens, idx, options, env: RenderEnv, self) => {
  const html = renderCode(tokens, idx, options, env, self);
  const id = tokens[idx].content;
  if (!env?.pages?.has(id)) {
    return html;
  }
  env.linked.add(id);
  return `<a href="${escapeHtml(commandUri(OPEN_CHECKPOINT_UI, [id]))}" title="Open its page">${html}</a>`;
};

export function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** The page from the progress payload alone, for a server without `roadmapCoach/explain`. */
export function pageFromProgress(progress: Progress | undefined, id: string): ExplainPage | undefined {
  for (const step of progress?.steps ?? []) {
    const cp = step.checkpoints.find((c) => c.id === id);
    if (!cp) {
      continue;
    }
    const titles = new Map(progress!.steps.flatMap((s) => s.checkpoints.map((c) => [c.id, c] as const)));
    const next = cp.next.map((n) => ({ id: n, title: titles.get(n)?.title ?? n, achieved: titles.get(n)?.achieved ?? false }));
    const parts = [
      `# ${escapeMarkdown(plainLine(cp.title))}`,
      '',
      `Step ${step.number} · ${escapeMarkdown(step.title)} · ${cp.achieved ? `✓ reached ${shortDate(cp.achievedAt)}`.trim() : 'not reached yet'}`,
      '',
      '## What it teaches',
      '',
      cp.teaches.trim(),
    ];
    if (cp.example?.trim()) {
      parts.push('', '## Example', '', cp.example.trim());
    }
    if (next.length > 0) {
      parts.push('', '## Try next', '', ...next.map((n) => `- ${n.achieved ? '✓ ' : ''}${escapeMarkdown(plainLine(n.title))} (\`${n.id}\`)`));
    }
    if (cp.links.length > 0) {
      parts.push('', '## Read more', '', ...cp.links.map((l) => `- <${l}>`));
    }
    if (cp.achieved && cp.evidence) {
      parts.push('', '## Evidence', '', escapeMarkdown(evidencePlace(cp.evidence)));
    }
    return {
      kind: 'checkpoint',
      id: cp.id,
      title: cp.title,
      step: { id: step.id, number: step.number, title: step.title, short: step.short },
      achieved: cp.achieved,
      achievedAt: cp.achievedAt,
      evidence: cp.evidence,
      next,
      links: cp.links,
      markdown: parts.join('\n'),
    };
  }
  return undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

/** The links under the page: the code that earned it, and the pages of what comes next that
 * the page's own text did not link already. */
function actions(page: ExplainPage, linked: Set<string>): string {
  const items: string[] = [];
  if (page.achieved && page.evidence) {
    const evidence: Evidence = page.evidence;
    items.push(link(commandUri(OPEN_EVIDENCE_UI, [evidence]), `Open the code that earned it (${evidencePlace(evidence)})`));
  }
  for (const n of (page.next ?? []).filter((x) => !linked.has(x.id))) {
    items.push(link(commandUri(OPEN_CHECKPOINT_UI, [n.id]), `${n.achieved ? '✓ ' : ''}Next: ${plainLine(n.title)}`));
  }
  if (page.url) {
    items.push(link(page.url, 'The lesson page online'));
  }
  return items.length > 0 ? `<nav class="actions"><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul></nav>` : '';
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
  max-width: 46em; padding: 0 1.5em 2em; line-height: 1.5; }
h1 { font-size: 1.6em; border-bottom: 1px solid var(--vscode-panel-border, #8884); padding-bottom: .3em; }
h2 { font-size: 1.15em; margin-top: 1.4em; }
code, pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
pre { background: var(--vscode-textCodeBlock-background); padding: .6em .8em; overflow-x: auto; border-radius: 3px; }
:not(pre) > code { background: var(--vscode-textCodeBlock-background); padding: 0 .25em; border-radius: 3px; }
a { color: var(--vscode-textLink-foreground); }
.actions { margin-top: 1.6em; border-top: 1px solid var(--vscode-panel-border, #8884); }
.actions ul { list-style: none; padding: 0; }
.actions li { margin: .4em 0; }
`;

/** The whole HTML document of a page; `csp` is the webview's Content Security Policy. */
export function pageHtml(page: ExplainPage, csp: string): string {
  const env: RenderEnv = { pages: new Set((page.next ?? []).map((n) => n.id)), linked: new Set() };
  const body = md.render(page.markdown, env);
  return [
    '<!DOCTYPE html><html lang="en"><head>',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta charset="utf-8">',
    `<title>${escapeHtml(plainLine(page.title))}</title>`,
    `<style>${STYLE}</style>`,
    `</head><body data-page-kind="${escapeHtml(page.kind)}" data-page-id="${escapeHtml(page.id)}">`,
    body,
    actions(page, env.linked),
    '</body></html>',
  ].join('\n');
}

/** The evidence line a lens passes on (`roadmapCoach.openCheckpoint` id, path, 0-based line). */
export interface EvidenceLine {
  path: string;
  line: number;
}

export function evidenceLineOf(path: unknown, line: unknown): EvidenceLine | undefined {
  return typeof path === 'string' && path && typeof line === 'number' && Number.isInteger(line) && line >= 0
    ? { path, line }
    : undefined;
}

/** The checkpoint id in a command's argument: an id (lens, page link) or a tree row / next item. */
export function checkpointIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    return arg;
  }
  if (Array.isArray(arg)) {
    return checkpointIdOf(arg[0]);
  }
  if (arg && typeof arg === 'object') {
    const o = arg as { id?: unknown; item?: { id?: unknown } };
    if (o.item && typeof o.item.id === 'string') {
      return o.item.id;
    }
    return typeof o.id === 'string' ? o.id : undefined;
  }
  return undefined;
}
