-- Real Neovim (0.7.2+, headless) drives the real server: diagnostics, the milestone
-- notification, hover, an edit and its update, a code action applied, and the server's
-- text equal to the buffer after incremental edits. Writes what it saw to E2E_OUT as JSON.
--   nvim --headless -u NONE -i NONE -n -S coach_test.lua
local lib = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/e2e_lib.lua')
local PY, FILE, STORE = lib.PY, lib.FILE, lib.STORE

local v = vim.version()
local obs = { nvim = ('%d.%d.%d'):format(v.major, v.minor, v.patch), steps = {}, milestones = {},
  progress = 0, messages = {}, log_path = vim.lsp.get_log_path() }
local client

local function step(name) lib.step(obs, name) end
local check, wait, ours = lib.check, lib.wait, lib.ours
local request = lib.request
local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end
local function has_milestone(id)
  for _, m in ipairs(obs.milestones) do if m.id == id then return true end end
  return false
end

local function run()
  vim.lsp.set_log_level(os.getenv('E2E_LOG_LEVEL') or 'warn')
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.experimental = { roadmapCoach = { milestoneNotifications = true } }
  local client_id
  client, client_id = lib.start({
    capabilities = capabilities,
    handlers = {
      ['roadmapCoach/milestone'] = function(_, result) table.insert(obs.milestones, result) end,
      ['roadmapCoach/progress'] = function() obs.progress = obs.progress + 1 end,
      ['window/showMessage'] = function(_, result) table.insert(obs.messages, result.message) end,
    },
  })
  obs.sync_kind = client.resolved_capabilities.text_document_did_change -- 2 = Incremental
  step('initialized')

  local bufnr = lib.open(client_id)
  local uri = vim.uri_from_bufnr(bufnr)

  wait('the RC502 diagnostic', function() return #ours(bufnr, 'RC502') >= 1 end)
  local d = ours(bufnr, 'RC502')[1]
  obs.diagnostic = { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message,
    href = d.user_data and d.user_data.lsp and d.user_data.lsp.codeDescription and d.user_data.lsp.codeDescription.href }
  wait('the web.flask-route notification', function() return has_milestone('web.flask-route') end)
  step('diagnostics and milestone')

  local route_line = obs.milestones[1].evidence and obs.milestones[1].evidence.range.start.line
  for _, m in ipairs(obs.milestones) do
    if m.id == 'web.flask-route' then route_line = m.evidence.range.start.line end
  end
  local hover = request('textDocument/hover', { textDocument = { uri = uri },
    position = { line = route_line, character = 2 } }, bufnr)
  obs.hover = hover and hover.contents and hover.contents.value
  step('hover')

  -- an edit: a JSON route appended -> incremental didChange -> a new milestone
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false,
    { '', '', '@app.route("/api/books")', 'def books():', '    return jsonify([])' })
  wait('api.json-response after the edit', function() return has_milestone('api.json-response') end)
  step('edit')

  -- the lesson's quick fix, through a real code action request and Neovim's own edit code
  d = ours(bufnr, 'RC502')[1]
  local lsp_diag -- the diagnostic as the server sent it (0.7 keeps only part of it in user_data)
  for _, ld in ipairs(vim.lsp.diagnostic.get_line_diagnostics(bufnr, d.lnum)) do
    if ld.code == 'RC502' then lsp_diag = ld end
  end
  check(lsp_diag, 'no LSP form of the RC502 diagnostic')
  local actions = request('textDocument/codeAction', {
    textDocument = { uri = uri },
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    context = { diagnostics = { lsp_diag } },
  }, bufnr)
  obs.actions = {}
  local fix
  for _, a in ipairs(actions or {}) do
    table.insert(obs.actions, a.title)
    if a.kind == 'quickfix' and a.edit and not a.title:find('^Ignore') then fix = fix or a end
  end
  check(fix, 'no quick fix offered: ' .. vim.inspect(obs.actions))
  vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16')
  wait('the RC502 lesson to go', function() return #ours(bufnr, 'RC502') == 0 end)
  obs.fixed_text = buffer_text(bufnr)
  step('code action')

  -- incremental sync: mid-line edits, then the server's copy must equal the buffer
  vim.api.nvim_buf_set_text(bufnr, 0, 5, 0, 5, { 'flask ' })
  vim.api.nvim_buf_set_text(bufnr, 2, 0, 2, 0, { '# café ☕ ', '' })
  vim.api.nvim_buf_set_text(bufnr, 2, 12, 2, 12, { '!' })
  local server_text = request('workspace/executeCommand',
    { command = 'roadmapCoach.debugText', arguments = { uri } }, bufnr)
  obs.server_text_matches = server_text == buffer_text(bufnr)
  check(obs.server_text_matches, 'server text diverged:\n' .. vim.inspect(server_text) .. '\nbuffer:\n' .. buffer_text(bufnr))
  step('incremental sync')

  lib.stop()
  step('stopped')
end

lib.finish(obs, run)
