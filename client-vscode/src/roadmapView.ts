// The Roadmap tree view: renders the rows that roadmapModel builds from the server's progress.
import * as vscode from 'vscode';
import { OPEN_CHECKPOINT_UI } from './checkpointPage';
import type { Evidence, Progress } from './protocol';
import { buildNextUp, buildTree, CheckpointRow, findCheckpoint, NextRow, NextUpSection, Row, StepRow } from './roadmapModel';

export const VIEW_ID = 'roadmapCoach.roadmap';
export const OPEN_EVIDENCE = 'roadmapCoach.ui.openEvidence';

const PASSED = new vscode.ThemeColor('testing.iconPassed');
const STARTED = new vscode.ThemeColor('charts.blue');
const SUGGESTED = new vscode.ThemeColor('charts.yellow');
const WARNING = new vscode.ThemeColor('problemsWarningIcon.foreground');

/** One icon per state of the server's one definition of done. */
function stepIcon(step: StepRow): vscode.ThemeIcon {
  switch (step.state) {
    case 'complete':
      return new vscode.ThemeIcon('pass-filled', PASSED);
    case 'started':
      return new vscode.ThemeIcon('play-circle', STARTED);
    default:
      return new vscode.ThemeIcon('circle-large-outline');
  }
}

function checkpointIcon(row: CheckpointRow): vscode.ThemeIcon {
  switch (row.state) {
    case 'achieved':
      return new vscode.ThemeIcon('pass-filled', PASSED);
    case 'suggested':
      return new vscode.ThemeIcon('star-full', SUGGESTED);
    default:
      return new vscode.ThemeIcon('circle-large-outline');
  }
}

const STEP_STATE_WORDS = { complete: 'complete', started: 'started', 'not-started': 'not started' } as const;

function markdown(text: string): vscode.MarkdownString {
  // Tooltips carry the roadmap's own words: rendered, never trusted to run commands or HTML.
  const md = new vscode.MarkdownString(text);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

export class RoadmapView implements vscode.TreeDataProvider<Row>, vscode.Disposable {
  private tree: StepRow[] = [];
  private next: NextUpSection | undefined;
  private readonly parents = new Map<string, Row>();
  private readonly changed = new vscode.EventEmitter<Row | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Row>;

  constructor() {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
  }

  update(progress: Progress): void {
    this.tree = buildTree(progress);
    this.next = buildNextUp(progress);
    this.parents.clear();
    for (const step of this.tree) {
      for (const child of step.children) {
        this.parents.set(child.key, step);
      }
    }
    for (const child of this.next?.children ?? []) {
      this.parents.set(child.key, this.next as NextUpSection);
    }
    this.view.message = undefined;
    this.view.description = `${progress.achieved}/${progress.total}`;
    this.changed.fire(undefined);
  }

  /** A short line above the tree when the server cannot give progress. */
  setMessage(message: string | undefined): void {
    this.view.message = message;
  }

  getTreeItem(row: Row): vscode.TreeItem {
    switch (row.kind) {
      case 'nextUp':
        return this.nextUpItem(row);
      case 'next':
        return this.nextItem(row);
      case 'step':
        return this.stepItem(row);
      default:
        return this.checkpointItem(row);
    }
  }

  private nextUpItem(row: NextUpSection): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = row.key;
    item.iconPath = new vscode.ThemeIcon('lightbulb', SUGGESTED);
    item.tooltip = markdown('**Next up**: what the coach suggests now, best first.');
    item.contextValue = 'nextUp';
    return item;
  }

  private nextItem(row: NextRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.key;
    item.description = row.description;
    item.tooltip = markdown(row.tooltip);
    if (row.item.kind === 'lesson') {
      item.iconPath = new vscode.ThemeIcon('warning', WARNING);
      item.contextValue = 'next.lesson';
      if (row.item.evidence) {
        item.command = { command: OPEN_EVIDENCE, title: 'Go to the warning', arguments: [row.item.evidence] };
      }
    } else {
      item.iconPath = new vscode.ThemeIcon('star-full', SUGGESTED);
      item.contextValue = 'next.checkpoint';
      item.command = { command: OPEN_CHECKPOINT_UI, title: 'Open its page', arguments: [row.item.id] };
    }
    return item;
  }

  private stepItem(row: StepRow): vscode.TreeItem {
    const item = new vscode.TreeItem(
      row.label,
      row.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = row.key;
    item.description = row.description;
    item.tooltip = markdown(row.tooltip);
    item.iconPath = stepIcon(row);
    item.contextValue = `step.${row.state}`;
    item.accessibilityInformation = { label: `${row.label}, ${STEP_STATE_WORDS[row.state]}` };
    return item;
  }

  private checkpointItem(row: CheckpointRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.key;
    item.description = row.description;
    item.tooltip = markdown(row.tooltip);
    item.iconPath = checkpointIcon(row);
    item.contextValue = row.evidence && row.state === 'achieved' ? 'checkpoint.achieved' : `checkpoint.${row.state}`;
    item.accessibilityInformation = { label: `${row.label}, ${row.state === 'achieved' ? 'reached' : row.state === 'suggested' ? 'next up' : 'not yet'}` };
    // Every checkpoint is a door: reached or not, a click opens its page.
    item.command = { command: OPEN_CHECKPOINT_UI, title: 'Open its page', arguments: [row.id] };
    return item;
  }

  getChildren(row?: Row): Row[] {
    if (!row) {
      return this.next ? [this.next, ...this.tree] : this.tree;
    }
    return row.kind === 'step' || row.kind === 'nextUp' ? row.children : [];
  }

  getParent(row: Row): Row | undefined {
    return this.parents.get(row.key);
  }

  /** Shows and selects a checkpoint (after "What next?" or "Show roadmap" on a toast). */
  async reveal(checkpointId: string | undefined): Promise<void> {
    const found = checkpointId ? findCheckpoint(this.tree, checkpointId) : undefined;
    if (found) {
      await this.view.reveal(found.row, { select: true, focus: true, expand: true });
    } else {
      await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    }
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}

/** Opens the file and selects the range that earned a checkpoint. */
export async function openEvidence(evidence: Evidence): Promise<void> {
  const { start, end } = evidence.range;
  const selection = new vscode.Range(start.line, start.character, end.line, end.character);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(evidence.uri));
  await vscode.window.showTextDocument(doc, { selection, preview: true });
}
