// Keeps the walkthrough's steps in step with progress: sets the `roadmapCoach.step.<id>.done`
// context keys the steps complete on, and marks done steps directly as well. VS Code builds its
// walkthrough service lazily and registers extension walkthroughs asynchronously; a step whose
// key was already true when it registered never sees the onContext event, and marking it
// before it is registered fails. So a failed mark is retried until the step exists.
import * as vscode from 'vscode';
import type { Progress } from './protocol';
import { changedContexts, stepContexts, stepIdOfContextKey, walkthroughStepId } from './roadmapModel';

const RETRY_MS = [1000, 3000, 10000, 30000, 60000];

export class WalkthroughTicks implements vscode.Disposable {
  private contexts = new Map<string, boolean>();
  private readonly pending = new Set<string>();
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(
    private readonly extensionId: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  update(progress: Progress): void {
    const next = stepContexts(progress);
    for (const [key, value] of changedContexts(this.contexts, next)) {
      void vscode.commands.executeCommand('setContext', key, value);
      const stepId = stepIdOfContextKey(key);
      if (value && stepId) {
        this.pending.add(stepId);
      }
    }
    this.contexts = next;
    this.attempt = 0;
    void this.tickPending();
  }

  /** Marks every pending step; schedules another try for the ones VS Code does not know yet. */
  async tickPending(): Promise<void> {
    for (const stepId of [...this.pending]) {
      try {
        await vscode.commands.executeCommand('welcome.markStepComplete', walkthroughStepId(this.extensionId, stepId));
        this.pending.delete(stepId);
      } catch (err) {
        if (this.attempt >= RETRY_MS.length - 1) {
          this.log.warn(`Could not tick walkthrough step ${stepId}: ${String(err)}`);
        }
      }
    }
    if (this.pending.size > 0 && !this.retry && this.attempt < RETRY_MS.length) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.attempt += 1;
        void this.tickPending();
      }, RETRY_MS[this.attempt]);
    }
  }

  dispose(): void {
    if (this.retry) {
      clearTimeout(this.retry);
    }
  }
}
