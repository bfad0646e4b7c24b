// "Open progress report": the server's HTML export in a webview with a strict CSP (no scripts,
// no network), refreshed when progress changes while the panel is open.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CoachClient } from './coachClient';
import { SERVER_COMMAND_EXPORT } from './protocol';
import { reportCsp, withCsp } from './report';

const REFRESH_MS = 1000;

export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly coach: CoachClient,
    private readonly storage: vscode.Uri,
  ) {}

  private async reportFile(): Promise<string> {
    const dir = this.storage.scheme === 'file' ? this.storage.fsPath : os.tmpdir();
    await fs.mkdir(dir, { recursive: true });
    return path.join(dir, 'progress-report.html');
  }

  async show(): Promise<void> {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('roadmapCoach.report', 'Roadmap progress', vscode.ViewColumn.Active, {
        enableScripts: false,
        enableForms: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      });
    } else {
      this.panel.reveal();
    }
    await this.render();
  }

  /** Called on each progress update; re-renders at most once a second, only while open. */
  progressChanged(): void {
    if (!this.panel || this.refreshTimer) {
      return;
    }
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.render();
    }, REFRESH_MS);
  }

  private async render(): Promise<void> {
    const panel = this.panel;
    if (!panel) {
      return;
    }
    try {
      const target = await this.reportFile();
      const written = await this.coach.executeServerCommand<string>(SERVER_COMMAND_EXPORT, [{ format: 'html', path: target }]);
      const html = await fs.readFile(typeof written === 'string' && written ? written : target, 'utf8');
      panel.webview.html = withCsp(html, reportCsp(panel.webview.cspSource));
    } catch (err) {
      const message = String(err instanceof Error ? err.message : err).replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
      panel.webview.html = withCsp(`<p>The progress report could not be made: ${message}</p>`, reportCsp(panel.webview.cspSource));
    }
  }

  dispose(): void {
    if (this.refreshTimer) {
      clearTimeout(this.refreshTimer);
    }
    this.panel?.dispose();
  }
}
