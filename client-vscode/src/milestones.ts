// The toast on each milestone, with "What next?" and "Show roadmap".
import * as vscode from 'vscode';
import type { MilestoneParams, Progress } from './protocol';
import { milestoneToast, NextItem, whatNext } from './roadmapModel';
import type { RoadmapView } from './roadmapView';

/** Milestones arriving this close together share one toast. */
const BATCH_MS = 300;

export class MilestoneToasts implements vscode.Disposable {
  private pending: MilestoneParams[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly view: RoadmapView,
    private readonly progress: () => Progress | undefined,
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
        await pickNext(this.view, whatNext(this.progress(), last));
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

/** A quick pick of what to try next; picking one shows it in the Roadmap view. */
export async function pickNext(view: RoadmapView, items: NextItem[]): Promise<void> {
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Roadmap Coach: nothing suggested right now — open the roadmap and pick any step.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((item) => ({ label: item.title, description: item.stepTitle, detail: item.teaches, id: item.id })),
    { title: 'What next?', placeHolder: 'Pick a checkpoint to try next', matchOnDetail: true },
  );
  if (picked) {
    await view.reveal(picked.id);
  }
}
