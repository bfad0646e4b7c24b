// `Roadmap N/M` in the status bar; a click opens the Roadmap view.
import * as vscode from 'vscode';
import type { CoachState } from './coachClient';
import type { Progress } from './protocol';
import { statusText, statusTooltip } from './roadmapModel';

export class RoadmapStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('roadmapCoach.status', vscode.StatusBarAlignment.Left, 50);
  private progress: Progress | undefined;
  private state: CoachState = 'starting';

  constructor() {
    this.item.name = 'Roadmap Coach';
    this.item.command = 'roadmapCoach.ui.showRoadmap';
    this.render();
    this.item.show();
  }

  setProgress(progress: Progress): void {
    this.progress = progress;
    this.render();
  }

  setState(state: CoachState): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    const problem = this.state === 'missing' || this.state === 'failed';
    const icon = problem ? '$(warning)' : this.state === 'starting' && !this.progress ? '$(sync~spin)' : '$(checklist)';
    this.item.text = `${icon} ${statusText(this.progress)}`;
    if (problem) {
      this.item.tooltip = 'Roadmap Coach: the language server is not running. Click for the roadmap; the log says why.';
    } else {
      // The counts and the server's "Next up"; its links run only these two commands.
      const md = new vscode.MarkdownString(statusTooltip(this.progress));
      md.isTrusted = { enabledCommands: ['roadmapCoach.ui.whatNext', 'roadmapCoach.ui.showRoadmap'] };
      md.supportHtml = false;
      this.item.tooltip = md;
    }
    this.item.backgroundColor = problem ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
