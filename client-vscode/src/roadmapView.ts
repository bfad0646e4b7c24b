// The Roadmap tree view: renders the rows that roadmapModel builds from the server's progress.
import * as vscode from 'vscode';
import type { Evidence, Progress } from './protocol';
import { buildTree, CheckpointRow, findCheckpoint, Row, StepRow } from './roadmapModel';

export const VIEW_ID = 'roadmapCoach.roadmap';
export const OPEN_EVIDENCE = 'roadmapCoach.ui.openEvidence';

const PASSED = new vscode.ThemeColor('testing.iconPassed');
const SUGGESTED = new vscode.ThemeColor('charts.yellow');

function stepIcon(step: StepRow): vscode.ThemeIcon {
  if (step.complete) {
    return new vscode.ThemeIcon('pass-filled', PASSED);
  }
  const started = step.children.some((c) => c.state === 'achieved');
  return started ? new vscode.ThemeIcon('pass', PASSED) : new vscode.ThemeIcon('circle-large-outline');
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

export class RoadmapView implements vscode.TreeDataProvider<Row>, vscode.Disposable {
  private tree: StepRow[] = [];
  private readonly parents = new Map<string, StepRow>();
  private readonly changed = new vscode.EventEmitter<Row | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Row>;

  constructor() {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
  }

  update(progress: Progress): void {
    this.tree = buildTree(progress);
    this.parents.clear();
    for (const step of this.tree) {
      for (const child of step.children) {
        this.parents.set(child.key, step);
      }
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
    if (row.kind === 'step') {
      const item = new vscode.TreeItem(
        row.label,
        row.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = row.key;
      item.description = row.description;
      item.tooltip = row.tooltip;
      item.iconPath = stepIcon(row);
      item.contextValue = row.complete ? 'step.complete' : 'step';
      return item;
    }
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.key;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = checkpointIcon(row);
    item.contextValue = `checkpoint.${row.state}`;
    item.accessibilityInformation = { label: `${row.label}, ${row.state === 'achieved' ? 'achieved' : row.state === 'suggested' ? 'suggested next' : 'not yet'}` };
    if (row.evidence) {
      item.command = { command: OPEN_EVIDENCE, title: 'Open evidence', arguments: [row] };
    }
    return item;
  }

  getChildren(row?: Row): Row[] {
    if (!row) {
      return this.tree;
    }
    return row.kind === 'step' ? row.children : [];
  }

  getParent(row: Row): Row | undefined {
    return row.kind === 'checkpoint' ? this.parents.get(row.key) : undefined;
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
