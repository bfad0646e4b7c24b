"""What the client said it can do, read once at `initialize`."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from roadmap_coach.lsp import notifications


@dataclass(slots=True)
class ClientFeatures:
    rich: bool = False  # experimental.roadmapCoach.milestoneNotifications
    pages: bool = False  # experimental.roadmapCoach.checkpointPages
    pull: bool = False
    diagnostic_refresh: bool = False
    code_lens_refresh: bool = False
    work_done_progress: bool = False
    configuration: bool = False
    watch_dynamic: bool = False
    config_dynamic: bool = False
    create_files: bool = False

    @classmethod
    def of(cls, caps: types.ClientCapabilities) -> ClientFeatures:
        ws, doc, window = caps.workspace, caps.text_document, caps.window
        edit = ws.workspace_edit if ws else None
        return cls(
            rich=notifications.opted_in(caps),
            pages=notifications.opted_in(caps, "checkpointPages"),
            pull=bool(doc and doc.diagnostic is not None),
            diagnostic_refresh=bool(ws and ws.diagnostics and ws.diagnostics.refresh_support),
            code_lens_refresh=bool(ws and ws.code_lens and ws.code_lens.refresh_support),
            work_done_progress=bool(window and window.work_done_progress),
            configuration=bool(ws and ws.configuration),
            watch_dynamic=bool(
                ws
                and ws.did_change_watched_files
                and ws.did_change_watched_files.dynamic_registration
            ),
            config_dynamic=bool(
                ws
                and ws.did_change_configuration
                and ws.did_change_configuration.dynamic_registration
            ),
            create_files=bool(
                edit
                and edit.resource_operations
                and types.ResourceOperationKind.Create in edit.resource_operations
            ),
        )
