// Turns the server's progress payload into what the editor shows: tree rows, the "Next up"
// section, the status-bar text and tooltip, and the walkthrough context keys. Pure (no `vscode`
// import) so it is unit-tested. Every number comes from the server's one definition of done
// (`state`, `stepsComplete`) and every suggestion from its one ranking (`nextUp`).
import type { CheckpointProgress, Evidence, NextUp, Progress, StepProgress, StepState } from './protocol';
import { escapeMarkdown, plainLine } from './text';

export type CheckpointState = 'achieved' | 'suggested' | 'open';

export interface CheckpointRow {
  kind: 'checkpoint';
  /** Stable tree id, so VS Code keeps selection and expansion across refreshes. */
  key: string;
  id: string;
  stepId: string;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  state: CheckpointState;
  evidence: Evidence | null;
  links: string[];
}

export interface StepRow {
  kind: 'step';
  key: string;
  id: string;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  state: StepState;
  /** Expanded at first: the step holds a checkpoint of "Next up". */
  expanded: boolean;
  children: CheckpointRow[];
}

/** One item of the "Next up" section at the top of the view. */
export interface NextRow {
  kind: 'next';
  key: string;
  item: NextUp;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
}

export interface NextUpSection {
  kind: 'nextUp';
  key: string;
  label: string;
  children: NextRow[];
}

export type Row = StepRow | CheckpointRow | NextUpSection | NextRow;

/** `2025-11-27T09:30:00+00:00` -> `2025-11-27`; anything unparsable is shown as given. */
export function shortDate(iso: string | null | undefined): string {
  if (!iso) {
    return '';
  }
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(iso);
  return m ? m[1] : iso;
}

/** The server's state of a step; an older server without `state` is read the same way. */
export function stepState(step: StepProgress): StepState {
  if (step.state === 'complete' || step.state === 'started' || step.state === 'not-started') {
    return step.state;
  }
  if (step.total > 0 && step.achieved >= step.total) {
    return 'complete';
  }
  return step.achieved > 0 ? 'started' : 'not-started';
}

export function stepsComplete(progress: Progress): number {
  return progress.stepsComplete ?? progress.steps.filter((s) => stepState(s) === 'complete').length;
}

export function stepsStarted(progress: Progress): number {
  return progress.steps.filter((s) => stepState(s) === 'started').length;
}

/** The server's ranked next steps; an older server without `nextUp` gets its suggestions. */
export function nextUp(progress: Progress | undefined): NextUp[] {
  if (!progress) {
    return [];
  }
  if (Array.isArray(progress.nextUp)) {
    return progress.nextUp;
  }
  return progress.steps
    .flatMap((s) => s.checkpoints.filter((c) => c.suggested && !c.achieved).map((c) => ({ s, c })))
    .slice(0, 3)
    .map(({ s, c }) => ({ kind: 'checkpoint' as const, id: c.id, title: c.title, step: s.id }));
}

/** `file:///ws/db.py` line 25 -> `db.py:26` (the file's name and the 1-based line). */
export function evidencePlace(evidence: Evidence | null | undefined): string {
  if (!evidence) {
    return '';
  }
  const name = decodeURIComponent(evidence.uri.replace(/[?#].*$/, '').split('/').pop() ?? '');
  return `${name}:${evidence.range.start.line + 1}`;
}

function checkpointTooltip(cp: CheckpointProgress, step: StepProgress, state: CheckpointState, titles: Map<string, string>): string {
  const lines = [`**${escapeMarkdown(plainLine(cp.title))}**`, '', cp.teaches.trim()];
  if (state === 'achieved') {
    const when = shortDate(cp.achievedAt);
    const where = evidencePlace(cp.evidence);
    lines.push('', `✓ Reached${when ? ` ${when}` : ''}${where ? ` · ${escapeMarkdown(where)}` : ''}`);
  } else if (state === 'suggested') {
    lines.push('', 'Next up.');
  }
  if (cp.core === false) {
    lines.push('', `Optional: ${escapeMarkdown(step.short || step.title)} is complete without it.`);
  }
  const next = cp.next.map((id) => escapeMarkdown(plainLine(titles.get(id) ?? id)));
  if (next.length > 0) {
    lines.push('', `Then: ${next.join(', ')}`);
  }
  lines.push('', '*Click to open its page.*');
  return lines.join('\n');
}

function checkpointRow(step: StepProgress, cp: CheckpointProgress, titles: Map<string, string>, next: Set<string>): CheckpointRow {
  const state: CheckpointState = cp.achieved ? 'achieved' : next.has(cp.id) ? 'suggested' : 'open';
  return {
    kind: 'checkpoint',
    key: `checkpoint:${cp.id}`,
    id: cp.id,
    stepId: step.id,
    label: plainLine(cp.title),
    description: state === 'suggested' ? 'next up' : cp.core === false ? 'optional' : '',
    tooltip: checkpointTooltip(cp, step, state, titles),
    state,
    evidence: cp.evidence ?? null,
    links: cp.links ?? [],
  };
}

const STATE_WORDS: Record<StepState, string> = { 'not-started': 'Not started', started: 'Started', complete: 'Complete' };

function stepTooltip(step: StepProgress, state: StepState, children: CheckpointRow[]): string {
  const core = step.core ?? step.total;
  const coreAchieved = step.coreAchieved ?? step.achieved;
  const lines = [
    `**${step.number}. ${escapeMarkdown(plainLine(step.title))}**`,
    '',
    `${STATE_WORDS[state]}: ${step.achieved} of ${step.total} checkpoints reached` +
      (core !== step.total ? `; ${coreAchieved} of the ${core} core ones (the step is complete when all ${core} are)` : ''),
  ];
  const reached = children.filter((c) => c.state === 'achieved');
  if (reached.length > 0) {
    lines.push('');
    for (const c of reached) {
      const cp = step.checkpoints.find((x) => x.id === c.id);
      const when = shortDate(cp?.achievedAt);
      lines.push(`- ✓ ${escapeMarkdown(c.label)}${when ? ` (${when})` : ''}`);
    }
  }
  return lines.join('\n');
}

/** The tree: steps in roadmap order, each with its checkpoints in the server's order. */
export function buildTree(progress: Progress): StepRow[] {
  const titles = new Map<string, string>();
  for (const step of progress.steps) {
    for (const cp of step.checkpoints) {
      titles.set(cp.id, cp.title);
    }
  }
  const next = new Set(nextUp(progress).filter((n) => n.kind === 'checkpoint').map((n) => n.id));
  return [...progress.steps]
    .sort((a, b) => a.number - b.number)
    .map((step) => {
      const children = step.checkpoints.map((cp) => checkpointRow(step, cp, titles, next));
      const state = stepState(step);
      return {
        kind: 'step' as const,
        key: `step:${step.id}`,
        id: step.id,
        // The count first, then the short title: what must stay readable at the default width.
        label: `${step.achieved}/${step.total} ${plainLine(step.short || step.title)}`,
        description: '',
        tooltip: stepTooltip(step, state, children),
        state,
        expanded: children.some((c) => c.state === 'suggested'),
        children,
      };
    });
}

/** The "Next up" section: the server's ranking, first item first. */
export function buildNextUp(progress: Progress): NextUpSection | undefined {
  const items = nextUp(progress);
  if (items.length === 0) {
    return undefined;
  }
  const stepOf = new Map<string, StepProgress>();
  const cpOf = new Map<string, CheckpointProgress>();
  for (const step of progress.steps) {
    for (const cp of step.checkpoints) {
      stepOf.set(cp.id, step);
      cpOf.set(cp.id, cp);
    }
  }
  const children = items.map((item): NextRow => {
    const label = plainLine(item.title);
    if (item.kind === 'lesson') {
      const where = evidencePlace(item.evidence);
      return {
        kind: 'next',
        key: `next:lesson:${item.id}:${where}`,
        item,
        label,
        description: item.id,
        tooltip: [`**${escapeMarkdown(label)}**`, '', `Security lesson ${item.id}.`, '', '*Click to go to the line; the book button opens the lesson page.*'].join('\n'),
      };
    }
    const step = stepOf.get(item.id);
    const cp = cpOf.get(item.id);
    return {
      kind: 'next',
      key: `next:checkpoint:${item.id}`,
      item,
      label,
      description: step ? plainLine(step.short || step.title) : '',
      tooltip: [`**${escapeMarkdown(label)}**`, '', cp ? cp.teaches.trim() : '', '', '*Click to open its page.*'].join('\n'),
    };
  });
  return { kind: 'nextUp', key: 'nextUp', label: 'Next up', children };
}

/** Where a checkpoint sits, for revealing it in the tree. */
export function findCheckpoint(tree: StepRow[], id: string): { step: StepRow; row: CheckpointRow } | undefined {
  for (const step of tree) {
    const row = step.children.find((c) => c.id === id);
    if (row) {
      return { step, row };
    }
  }
  return undefined;
}

export function statusText(progress: Progress | undefined): string {
  if (!progress) {
    return 'Roadmap …';
  }
  return `Roadmap ${progress.achieved}/${progress.total} · steps ${stepsComplete(progress)}/${progress.steps.length}`;
}

/** The status-bar tooltip (markdown): the counts, then the server's "Next up". */
export function statusTooltip(progress: Progress | undefined): string {
  if (!progress) {
    return 'Roadmap Coach: waiting for the language server';
  }
  const complete = stepsComplete(progress);
  const started = stepsStarted(progress);
  const lines = [
    '**Roadmap Coach**',
    '',
    `${progress.achieved} of ${progress.total} checkpoints reached · ${complete} of ${progress.steps.length} steps complete, ${started} started`,
  ];
  const items = nextUp(progress);
  if (items.length > 0) {
    lines.push('', '**Next up**', '');
    items.forEach((item, i) => lines.push(`${i + 1}. ${escapeMarkdown(plainLine(item.title))}`));
  }
  lines.push('', '[What next?](command:roadmapCoach.ui.whatNext) · [Show roadmap](command:roadmapCoach.ui.showRoadmap)');
  return lines.join('\n');
}

export function stepContextKey(stepId: string): string {
  return `roadmapCoach.step.${stepId}.done`;
}

export function stepIdOfContextKey(key: string): string | undefined {
  const m = /^roadmapCoach\.step\.(.+)\.done$/.exec(key);
  return m ? m[1] : undefined;
}

/** The id VS Code gives a contributed walkthrough step: `publisher.name#walkthrough#step`. */
export function walkthroughStepId(extensionId: string, stepId: string): string {
  return `${extensionId}#roadmap#${stepId}`;
}

/** A walkthrough step is done when the server says the step is complete: one meaning of done
 * in the view, the walkthrough, the status bar and the exports. */
export function stepContexts(progress: Progress): Map<string, boolean> {
  const keys = new Map<string, boolean>();
  for (const step of progress.steps) {
    keys.set(stepContextKey(step.id), stepState(step) === 'complete');
  }
  return keys;
}

/** Only the keys whose value changed (or is new), so setContext is not spammed per keystroke. */
export function changedContexts(before: Map<string, boolean>, after: Map<string, boolean>): [string, boolean][] {
  const out: [string, boolean][] = [];
  for (const [key, value] of after) {
    if (before.get(key) !== value) {
      out.push([key, value]);
    }
  }
  return out;
}

export interface NextItem {
  kind: 'lesson' | 'checkpoint';
  id: string;
  /** Plain text. */
  title: string;
  /** Plain text: where (a lesson) or which step (a checkpoint). */
  description: string;
  /** Plain text: what it teaches. */
  detail: string;
  evidence: Evidence | null;
}

/** "What next?" (the command and the toast's button): the server's ranking, in its order. */
export function whatNext(progress: Progress | undefined, fallback: NextUp[] = []): NextItem[] {
  const section = progress ? buildNextUp(progress) : undefined;
  const items = section ? section.children.map((r) => r.item) : fallback;
  const cps = new Map<string, { cp: CheckpointProgress; step: StepProgress }>();
  for (const step of progress?.steps ?? []) {
    for (const cp of step.checkpoints) {
      cps.set(cp.id, { cp, step });
    }
  }
  return items.map((item) => {
    const found = item.kind === 'checkpoint' ? cps.get(item.id) : undefined;
    return {
      kind: item.kind,
      id: item.id,
      title: plainLine(item.title),
      description: item.kind === 'lesson' ? evidencePlace(item.evidence) : found ? plainLine(found.step.short || found.step.title) : '',
      detail: found ? plainLine(found.cp.teaches) : item.kind === 'lesson' ? `Security lesson ${item.id}` : '',
      evidence: item.evidence ?? null,
    };
  });
}

/** The toast text for the milestones that arrived together (an initial scan can earn many). */
export function milestoneToast(milestones: { title: string; teaches: string; teachesText?: string; text?: string; nextUp?: NextUp[] }[]): string {
  if (milestones.length === 1) {
    const [m] = milestones;
    if (m.text) {
      return plainLine(m.text);
    }
    const teaches = plainLine(m.teachesText ?? m.teaches);
    return `Milestone reached: ${plainLine(m.title)}${teaches ? ` — ${teaches}` : ''}`;
  }
  const shown = milestones.slice(0, 3).map((m) => plainLine(m.title));
  const more = milestones.length - shown.length;
  const first = milestones[milestones.length - 1].nextUp?.[0];
  return `${milestones.length} milestones reached: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}${first ? ` — next: ${plainLine(first.title)}` : ''}`;
}
