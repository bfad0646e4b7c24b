// The custom part of the roadmap-coach protocol (docs/protocol.md), as the client sees it.
// Pure types and names: no `vscode` import, so unit tests can load it.

export const METHOD_MILESTONE = 'roadmapCoach/milestone';
export const METHOD_PROGRESS = 'roadmapCoach/progress';
export const METHOD_GET_PROGRESS = 'roadmapCoach/getProgress';
export const METHOD_EXPLAIN = 'roadmapCoach/explain';

/** The client command a code lens (and a hover link) runs to open a checkpoint's page, once
 * the client declared `experimental.roadmapCoach.checkpointPages`. The server never lists it
 * in its `executeCommandProvider`, so the extension registers it itself. */
export const CLIENT_COMMAND_OPEN_CHECKPOINT = 'roadmapCoach.openCheckpoint';
/** The server command older servers put on code lenses (it shows a plain message). */
export const SERVER_COMMAND_EXPLAIN = 'roadmapCoach.explain';
export const SERVER_COMMAND_EXPLAIN_MILESTONE = 'roadmapCoach.explainMilestone';

/** Server-side `workspace/executeCommand` ids. vscode-languageclient registers these as VS Code
 * commands by itself, so the extension's own UI commands live under `roadmapCoach.ui.*`. */
export const SERVER_COMMAND_RECHECK = 'roadmapCoach.recheck';
export const SERVER_COMMAND_EXPORT = 'roadmapCoach.exportProgress';
export const SERVER_COMMAND_RESET = 'roadmapCoach.resetProgress';

export const EXPERIMENTAL_CAPABILITY = { roadmapCoach: { milestoneNotifications: true, checkpointPages: true } };

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface Evidence {
  uri: string;
  range: Range;
}

export interface CheckpointProgress {
  id: string;
  title: string;
  /** Markdown. */
  teaches: string;
  /** Markdown, usually one fenced code block; `""` (or absent from older servers) when none. */
  example?: string;
  next: string[];
  links: string[];
  /** Counts towards the step's completion (default: every checkpoint is core). */
  core?: boolean;
  achieved: boolean;
  achievedAt: string | null;
  evidence: Evidence | null;
  suggested: boolean;
}

export type StepState = 'not-started' | 'started' | 'complete';

export interface StepProgress {
  id: string;
  /** The one full title of the step. */
  title: string;
  /** A short title for narrow views (older servers: absent). */
  short?: string;
  number: number;
  achieved: number;
  total: number;
  core?: number;
  coreAchieved?: number;
  /** The server's one definition of done (older servers: absent). */
  state?: StepState;
  checkpoints: CheckpointProgress[];
}

/** One item of the server's ranked "what to do next" (docs/protocol.md, `nextUp`). */
export interface NextUp {
  kind: 'lesson' | 'checkpoint';
  /** A checkpoint id, or a lesson's code. */
  id: string;
  /** Plain text, ready to show. */
  title: string;
  reason?: 'open-lesson' | 'after-milestone' | 'current-step' | string;
  evidence?: Evidence | null;
  step?: string;
}

export interface Progress {
  steps: StepProgress[];
  achieved: number;
  total: number;
  stepsComplete?: number;
  nextUp?: NextUp[];
}

export interface MilestoneParams {
  id: string;
  step: string;
  title: string;
  /** Markdown. */
  teaches: string;
  /** Plain text of `teaches` (newer servers). */
  teachesText?: string;
  /** The whole announcement as plain text (newer servers). */
  text?: string;
  next: { id: string; title: string }[];
  nextUp?: NextUp[];
  warning?: { code: string; title: string; evidence: Evidence | null } | null;
  evidence: Evidence | null;
}

/** The answer of `roadmapCoach/explain`: a checkpoint's or a lesson's page. */
export interface ExplainPage {
  kind: 'checkpoint' | 'lesson';
  id: string;
  title: string;
  step?: { id: string; number: number; title: string; short?: string } | null;
  core?: boolean;
  achieved?: boolean;
  achievedAt?: string | null;
  evidence?: Evidence | null;
  next?: { id: string; title: string; achieved: boolean }[];
  links?: string[];
  url?: string;
  /** The page for surfaces that render markdown. */
  markdown: string;
  /** The same page as plain text. */
  text?: string;
}

export type ExportFormat = 'jsonl' | 'md' | 'html';
