-- Real Neovim 0.7 and quick fixes the way a learner reaches them: `vim.lsp.buf.code_action()`
-- with the cursor at column 0 of a flagged line offers the lesson's fix first; accepting the
-- RC901 fix ("Start requirements.txt with flask") and `:wa` leaves requirements.txt as
-- `flask\n` and the hint goes. `vim.ui.select` is answered by this script (it picks the
-- fix), everything else is Neovim's own code. Writes what it saw to E2E_OUT.
--   nvim --headless -u NONE -i NONE -n -S fixes_test.lua
local lib = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/e2e_lib.lua')
local PY, FILE, STORE = lib.PY, lib.FILE, lib.STORE

local obs = { steps = {}, notes = {}, log_path = vim.lsp.get_log_path() }
local client

local function step(name) lib.step(obs, name) end
local check, wait, ours = lib.check, lib.wait, lib.ours

-- `vim.lsp.buf.code_action()` at (row, col 0): the titles offered, in order; `pick` chooses one.
local function code_action_at(row, pick)
  vim.api.nvim_win_set_cursor(0, { row + 1, 0 })
  local offered
  vim.ui.select = function(items, opts, on_choice)
    offered = {}
    local chosen
    for _, item in ipairs(items) do
      local title = opts.format_item(item)
      table.insert(offered, title)
      if pick and not chosen and pick(title) then chosen = item end
    end
    on_choice(chosen)
  end
  vim.lsp.buf.code_action()
  wait('code actions (notes: ' .. vim.inspect(obs.notes) .. ')', function() return offered ~= nil end)
  return offered
end

local function read_file(path)
  local handle = io.open(path, 'rb')
  if not handle then return nil end
  local text = handle:read('*a')
  handle:close()
  return text
end

local function run()
  vim.lsp.set_log_level(os.getenv('E2E_LOG_LEVEL') or 'warn')
  local notify = vim.notify
  vim.notify = function(msg, ...) table.insert(obs.notes, msg); return notify(msg, ...) end
  local client_id
  client, client_id = lib.start()

  local bufnr = lib.open(client_id)
  wait('RC502 and RC901', function() return #ours(bufnr, 'RC502') == 1 and #ours(bufnr, 'RC901') == 1 end)
  local rc502 = ours(bufnr, 'RC502')[1]
  obs.rc502 = { lnum = rc502.lnum, col = rc502.col }
  step('diagnostics')

  -- the cursor at column 0 of `    app.run(debug=True)`: the fix first, then Ignore
  obs.col0_actions = code_action_at(rc502.lnum, nil)
  step('code action at column 0')

  -- the RC901 fix, accepted from column 0 of the import line, then :wa
  local rc901 = ours(bufnr, 'RC901')[1]
  obs.rc901_actions = code_action_at(rc901.lnum, function(t) return t:find('^Start requirements.txt') end)
  local requirements = vim.fn.fnamemodify(FILE, ':h') .. '/requirements.txt'
  wait('the requirements.txt buffer', function() return vim.fn.bufnr(requirements) ~= -1 end)
  local req_buf = vim.fn.bufnr(requirements)
  obs.buffer_lines = vim.api.nvim_buf_get_lines(req_buf, 0, -1, false)
  obs.modified_before_wa = vim.bo[req_buf].modified
  vim.cmd('wa')
  obs.unsaved_after_wa = #vim.fn.getbufinfo({ bufmodified = 1 })
  obs.requirements = read_file(requirements)
  step(':wa')
  wait('RC901 to go once requirements.txt is written', function() return #ours(bufnr, 'RC901') == 0 end)
  step('hint gone')

  lib.stop()
end

lib.finish(obs, run, 'qall')
