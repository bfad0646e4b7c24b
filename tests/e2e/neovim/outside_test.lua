-- Real Neovim 0.7 (which cannot watch files) and the learner's terminal: files made with
-- `:!` and a `git commit` reach the server without a recheck. A plain client (no custom
-- notifications), as a learner's own config would start it. Writes what it saw to E2E_OUT.
--   nvim --headless -u NONE -i NONE -n -S outside_test.lua
local PY = assert(os.getenv('E2E_PY'), 'E2E_PY')
local FILE = assert(os.getenv('E2E_FILE'), 'E2E_FILE')
local OUT = assert(os.getenv('E2E_OUT'), 'E2E_OUT')
local STORE = assert(os.getenv('E2E_STORE'), 'E2E_STORE')
local T = tonumber(os.getenv('E2E_TIMEOUT_MS') or '15000')
local SOON = 5000 -- what the learner is promised: a change outside the editor shows this soon

local obs = { steps = {}, messages = {}, log_path = vim.lsp.get_log_path() }
local t0 = vim.loop.hrtime()
local client, exited

local function step(name) table.insert(obs.steps, { name, math.floor((vim.loop.hrtime() - t0) / 1e6) }) end
local function check(cond, msg) if not cond then error(msg, 2) end end
local function wait(what, cond, ms)
  local ok = vim.wait(ms or T, function() return exited ~= nil or cond() end, 10)
  check(exited == nil, 'server exited while waiting for ' .. what .. ': ' .. vim.inspect(exited))
  check(ok, 'timeout waiting for ' .. what)
end
local function ours(bufnr, code)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'roadmap-coach' and (code == nil or d.code == code) then table.insert(found, d) end
  end
  return found
end
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
  local client_id = vim.lsp.start_client({
    name = 'roadmap-coach',
    cmd = { PY, '-m', 'roadmap_coach', 'serve' },
    root_dir = vim.fn.fnamemodify(FILE, ':h'),
    init_options = { storePath = STORE },
    handlers = {
      ['window/showMessage'] = function(_, result) table.insert(obs.messages, result.message) end,
    },
    on_exit = function(code, signal) exited = { code = code, signal = signal } end,
  })
  check(client_id, 'start_client failed (cmd not executable?)')
  client = vim.lsp.get_client_by_id(client_id)
  wait('initialize', function() return client.initialized end)
  obs.can_watch = vim.tbl_get and vim.tbl_get(client.config.capabilities or {}, 'workspace',
    'didChangeWatchedFiles', 'dynamicRegistration') or false

  vim.cmd('edit ' .. vim.fn.fnameescape(FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'python'
  check(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')
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

  client.stop()
  check(vim.wait(T, function() return exited ~= nil end, 10), 'server did not exit after stop()')
  step('stopped')
end

local ok, err = xpcall(run, debug.traceback)
obs.ok, obs.error, obs.exit = ok, (not ok) and tostring(err) or nil, exited
vim.fn.writefile({ vim.fn.json_encode(obs) }, OUT)
if ok then vim.cmd('qall!') else vim.cmd('cquit 1') end
