-- Real Neovim 0.7 (which cannot watch files) and the learner's terminal: files made with
-- `:!` and a `git commit` reach the server without a recheck. A plain client (no custom
-- notifications), as a learner's own config would start it. Writes what it saw to E2E_OUT.
--   nvim --headless -u NONE -i NONE -n -S outside_test.lua
local lib = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/e2e_lib.lua')
local PY, FILE, STORE = lib.PY, lib.FILE, lib.STORE
local T = lib.T
local SOON = 5000 -- what the learner is promised: a change outside the editor shows this soon

local obs = { steps = {}, messages = {}, log_path = vim.lsp.get_log_path() }
local client

local function step(name) lib.step(obs, name) end
local check, wait, ours = lib.check, lib.wait, lib.ours
-- the server's current milestones, asked the way a learner's :lua would
local function milestones(bufnr)
  local resp
  client.request('workspace/executeCommand', { command = 'roadmapCoach.debugStats', arguments = {} },
    function(err, result) resp = { err = err, result = result } end, bufnr)
  vim.wait(T, function() return resp ~= nil end, 10)
  local ids = {}
  for _, id in ipairs(resp and resp.result and resp.result.milestones or {}) do ids[id] = true end
  return ids, resp and resp.result
end
local function wait_milestones(bufnr, wanted, what)
  local ok = vim.wait(SOON, function()
    local ids = milestones(bufnr)
    for _, id in ipairs(wanted) do if not ids[id] then return false end end
    return true
  end, 200)
  check(ok, 'not within ' .. SOON .. ' ms: ' .. what .. ' (' .. table.concat(wanted, ', ') .. ')')
end
local function shell(command)
  vim.cmd('silent !' .. command) -- what a learner types as :!command
  check(vim.v.shell_error == 0, ':!' .. command .. ' failed: ' .. vim.v.shell_error)
end

local function run()
  vim.lsp.set_log_level(os.getenv('E2E_LOG_LEVEL') or 'warn')
  local client_id
  client, client_id = lib.start({
    init_options = { storePath = STORE },
    handlers = {
      ['window/showMessage'] = function(_, result) table.insert(obs.messages, result.message) end,
    },
  })
  obs.can_watch = vim.tbl_get and vim.tbl_get(client.config.capabilities or {}, 'workspace',
    'didChangeWatchedFiles', 'dynamicRegistration') or false

  local bufnr = lib.open(client_id)
  wait('the RC901 hint (flask not in requirements)', function() return #ours(bufnr, 'RC901') >= 1 end)
  local stats
  wait('the first scan', function()
    _, stats = milestones(bufnr)
    return stats and stats.scans == 1
  end)
  obs.watch_mode = stats and stats.watchMode
  obs.scans_before = stats and stats.scans
  step('RC901 shown')

  shell("printf 'flask==3.0.3\\ngunicorn==22.0.0\\n' > requirements.txt")
  shell("printf 'FROM python:3.12-slim\\nCOPY . .\\nCMD [\"gunicorn\", \"app:app\"]\\n' > Dockerfile")
  wait_milestones(bufnr, { 'deps.requirements', 'deploy.dockerfile' }, 'files made with :!')
  wait('RC901 to clear', function() return #ours(bufnr, 'RC901') == 0 end, SOON)
  step('files from the shell')

  shell('git add -A && git commit -q -m "first commit"')
  wait_milestones(bufnr, { 'git.first-commit' }, 'the commit')
  step('commit')
  _, stats = milestones(bufnr)
  obs.scans_after = stats and stats.scans -- no recheck: the one scan at start
  obs.final = stats and stats.milestones

  lib.stop()
  step('stopped')
end

lib.finish(obs, run)
