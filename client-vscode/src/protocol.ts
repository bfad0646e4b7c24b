// The custom part of the roadmap-coach protocol (docs/protocol.md), as the client sees it.
// Pure types and names: no `vscode` import, so unit tests can load it.

export const METHOD_MILESTONE = 'roadmapCoach/milestone';
export const METHOD_PROGRESS = 'roadmapCoach/progress';
export const METHOD_GET_PROGRESS = 'roadmapCoach/getProgress';

/** Server-side `workspace/executeCommand` ids. vscode-languageclient registers these as VS Code
 * commands by itself, so the extension's own UI commands live under `roadmapCoach.ui.*`. */
export const SERVER_COMMAND_RECHECK = 'roadmapCoach.recheck';
export const SERVER_COMMAND_EXPORT = 'roadmapCoach.exportProgress';
export const SERVER_COMMAND_RESET = 'roadmapCoach.resetProgress';

export const EXPERIMENTAL_CAPABILITY = { roadmapCoach: { milestoneNotifications: true } };

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
  teaches: string;
  next: string[];
  links: string[];
  achieved: boolean;
  achievedAt: string | null;
  evidence: Evidence | null;
  suggested: boolean;
}

export interface StepProgress {
  id: string;
  title: string;
  number: number;
  achieved: number;
  total: number;
  checkpoints: CheckpointProgress[];
}

export interface Progress {
  steps: StepProgress[];
  achieved: number;
  total: number;
}

export interface MilestoneParams {
  id: string;
  step: string;
  title: string;
  teaches: string;
  next: { id: string; title: string }[];
  evidence: Evidence | null;
}

export type ExportFormat = 'jsonl' | 'md' | 'html';
