// Turns the server's progress payload into what the editor shows: tree rows, the status-bar
// text and the walkthrough context keys. Pure (no `vscode` import) so it is unit-tested.
import type { CheckpointProgress, Evidence, Progress, StepProgress } from './protocol';

export type CheckpointState = 'achieved' | 'suggested' | 'open';

export interface CheckpointRow {
  kind: 'checkpoint';
  /** Stable tree id, so VS Code keeps selection and expansion across refreshes. */
  key: string;
  id: string;
  stepId: string;
  label: string;
  description: string;
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
  tooltip: string;
  /** Every checkpoint of the step is achieved. */
  complete: boolean;
  /** Expanded at first: the step holds a suggested next checkpoint. */
  expanded: boolean;
  children: CheckpointRow[];
}

export type Row = StepRow | CheckpointRow;

/** `2025-11-27T09:30:00+00:00` -> `2025-11-27`; anything unparsable is shown as given. */
export function shortDate(iso: string | null): string {
  if (!iso) {
    return '';
  }
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(iso);
  return m ? m[1] : iso;
}

export function checkpointState(cp: CheckpointProgress): CheckpointState {
  if (cp.achieved) {
    return 'achieved';
  }
  return cp.suggested ? 'suggested' : 'open';
}

function checkpointRow(step: StepProgress, cp: CheckpointProgress, titles: Map<string, string>): CheckpointRow {
  const state = checkpointState(cp);
  const description =
    state === 'achieved' ? `✓ ${shortDate(cp.achievedAt)}`.trim() : state === 'suggested' ? '★ next' : '';
  const lines = [cp.teaches.trim() || cp.title];
  if (state === 'achieved') {
    lines.push('', `Achieved${cp.achievedAt ? ` ${shortDate(cp.achievedAt)}` : ''}${cp.evidence ? ' — click to open the code that earned it' : ''}.`);
  } else if (state === 'suggested') {
    lines.push('', 'Suggested next.');
  }
  const next = cp.next.map((id) => titles.get(id) ?? id);
  if (next.length > 0) {
    lines.push(`Then: ${next.join(', ')}`);
  }
  return {
    kind: 'checkpoint',
    key: `checkpoint:${cp.id}`,
    id: cp.id,
    stepId: step.id,
    label: cp.title,
    description,
    tooltip: lines.join('\n'),
    state,
    evidence: cp.evidence ?? null,
    links: cp.links ?? [],
  };
}

/** The tree: steps in roadmap order, each with its checkpoints in the server's order. */
export function buildTree(progress: Progress): StepRow[] {
  const titles = new Map<string, string>();
  for (const step of progress.steps) {
    for (const cp of step.checkpoints) {
      titles.set(cp.id, cp.title);
    }
  }
  return [...progress.steps]
    .sort((a, b) => a.number - b.number)
    .map((step) => {
      const children = step.checkpoints.map((cp) => checkpointRow(step, cp, titles));
      const complete = step.total > 0 && step.achieved >= step.total;
      return {
        kind: 'step' as const,
        key: `step:${step.id}`,
        id: step.id,
        label: `${step.number}. ${step.title}`,
        description: `${step.achieved}/${step.total}`,
        tooltip: `${step.title}: ${step.achieved} of ${step.total} checkpoints achieved`,
        complete,
        expanded: children.some((c) => c.state === 'suggested'),
        children,
      };
    });
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
  return progress ? `Roadmap ${progress.achieved}/${progress.total}` : 'Roadmap …';
}

export function statusTooltip(progress: Progress | undefined): string {
  if (!progress) {
    return 'Roadmap Coach: waiting for the language server';
  }
  const started = progress.steps.filter((s) => s.achieved > 0).length;
  return `Roadmap Coach: ${progress.achieved} of ${progress.total} checkpoints in ${started} of ${progress.steps.length} steps — click to open the roadmap`;
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

/** A walkthrough step is done once the learner has earned a first milestone in it: the
 * walkthrough is an on-ramp, the tree is where completeness is tracked. */
export function stepContexts(progress: Progress): Map<string, boolean> {
  const keys = new Map<string, boolean>();
  for (const step of progress.steps) {
    keys.set(stepContextKey(step.id), step.achieved > 0);
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
  id: string;
  title: string;
  stepTitle: string;
  teaches: string;
}

/** "What next?": the milestone's own next list when there is one, else what the server suggests. */
export function whatNext(progress: Progress | undefined, after?: { next: { id: string; title: string }[] }): NextItem[] {
  const info = new Map<string, NextItem>();
  for (const step of progress?.steps ?? []) {
    for (const cp of step.checkpoints) {
      info.set(cp.id, { id: cp.id, title: cp.title, stepTitle: step.title, teaches: cp.teaches });
    }
  }
  const achieved = new Set(
    (progress?.steps ?? []).flatMap((s) => s.checkpoints.filter((c) => c.achieved).map((c) => c.id)),
  );
  const fromMilestone = (after?.next ?? [])
    .filter((n) => !achieved.has(n.id))
    .map((n) => info.get(n.id) ?? { id: n.id, title: n.title, stepTitle: '', teaches: '' });
  if (fromMilestone.length > 0) {
    return fromMilestone;
  }
  return (progress?.steps ?? []).flatMap((s) =>
    s.checkpoints.filter((c) => c.suggested && !c.achieved).map((c) => info.get(c.id) as NextItem),
  );
}

/** The toast text for the milestones that arrived together (an initial scan can earn many). */
export function milestoneToast(milestones: { title: string; teaches: string }[]): string {
  if (milestones.length === 1) {
    const [m] = milestones;
    const teaches = m.teaches.trim();
    return `Milestone reached: ${m.title}${teaches ? ` — ${teaches}` : ''}`;
  }
  const shown = milestones.slice(0, 3).map((m) => m.title);
  const more = milestones.length - shown.length;
  return `${milestones.length} milestones reached: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
