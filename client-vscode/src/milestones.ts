// The toast on each milestone, with "What next?" and "Show roadmap".
import * as vscode from 'vscode';
import type { MilestoneParams, Progress } from './protocol';
import { milestoneToast, NextItem, whatNext } from './roadmapModel';
import { openEvidence, RoadmapView } from './roadmapView';

/** Milestones arriving this close together share one toast. */
const BATCH_MS = 300;

export class MilestoneToasts implements vscode.Disposable {
  private pending: MilestoneParams[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly view: RoadmapView,
    private readonly progress: () => Progress | undefined,
    private readonly openPage: (id: string) => Promise<void>,
  ) {}

  accept(milestone: MilestoneParams): void {
    this.pending.push(milestone);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), BATCH_MS);
    }
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) {
      return;
    }
    const last = batch[batch.length - 1];
    void vscode.window.showInformationMessage(milestoneToast(batch), 'What next?', 'Show roadmap').then(async (choice) => {
      if (choice === 'What next?') {
        // The server's ranking as it stands when the learner asks (progress follows the toast).
        await pickNext(whatNext(this.progress(), last.nextUp ?? []), this.openPage);
      } else if (choice === 'Show roadmap') {
        await this.view.reveal(last.id);
      }
    });
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
  }
}

/** "What next?": the server's ranked suggestions; a lesson goes to its line, a checkpoint opens
 * its page. */
export async function pickNext(items: NextItem[], openPage: (id: string) => Promise<void>): Promise<void> {
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Roadmap Coach: nothing to suggest right now. Every core checkpoint is reached and no warning is open.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((item) => ({
      label: `${item.kind === 'lesson' ? '$(warning)' : '$(star-full)'} ${item.title}`,
      description: item.description,
      detail: item.detail,
      item,
    })),
    { title: 'What next?', placeHolder: 'The coach suggests, best first', matchOnDetail: true },
  );
  if (!picked) {
    return;
  }
  if (picked.item.kind === 'lesson' && picked.item.evidence) {
    await openEvidence(picked.item.evidence);
  } else {
    await openPage(picked.item.id);
  }
}
