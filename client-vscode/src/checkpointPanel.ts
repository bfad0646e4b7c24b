// Every checkpoint is a door: its page (what it teaches, an example, what to try next, links,
// and the evidence once reached) in one webview panel, under a CSP without scripts. The page
// comes from the server (`roadmapCoach/explain`); a server without it gets the same sections
// from the progress payload.
import * as vscode from 'vscode';
import type { CoachClient } from './coachClient';
import { EvidenceLine, PAGE_COMMANDS, pageFromProgress, pageHtml } from './checkpointPage';
import type { ExplainPage } from './protocol';
import { reportCsp } from './report';
import { plainLine } from './text';

export class CheckpointPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: { id: string; where?: EvidenceLine } | undefined;

  constructor(
    private readonly coach: CoachClient,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Opens (or reuses) the panel on the page of a checkpoint id or a lesson code; a lens
   * passes its evidence line on, so the page can speak of what that line shows. */
  async show(id: string, where?: EvidenceLine): Promise<void> {
    const page = await this.page(id, where);
    if (!page) {
      void vscode.window.showWarningMessage(`Roadmap Coach: there is no checkpoint or lesson called ${id}.`);
      return;
    }
    const title = plainLine(page.title);
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'roadmapCoach.checkpoint',
        title,
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        { enableScripts: false, enableForms: false, enableCommandUris: PAGE_COMMANDS, localResourceRoots: [] },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shown = undefined;
      });
    } else {
      this.panel.reveal();
    }
    this.panel.title = title;
    this.panel.webview.html = pageHtml(page, reportCsp(this.panel.webview.cspSource));
    this.shown = { id: page.id, where };
  }

  /** Re-renders the open page after progress changed (a checkpoint may just have been reached). */
  async progressChanged(): Promise<void> {
    if (this.panel && this.shown) {
      const page = await this.page(this.shown.id, this.shown.where);
      if (page && this.panel) {
        this.panel.webview.html = pageHtml(page, reportCsp(this.panel.webview.cspSource));
      }
    }
  }

  private async page(id: string, where?: EvidenceLine): Promise<ExplainPage | undefined> {
    try {
      const page = await this.coach.explain(id, where);
      if (page && typeof page.markdown === 'string') {
        return page;
      }
    } catch (err) {
      this.log.warn(`roadmapCoach/explain ${id}: ${String(err)}`);
    }
    return pageFromProgress(this.coach.progress, id);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
