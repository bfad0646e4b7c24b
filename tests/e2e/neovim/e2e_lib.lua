-- What every Neovim scenario here shares: the environment the pytest side sets, waiting
-- (vim.wait pumps the event loop, where LSP callbacks run) that stops early when the server
-- died, requests, our diagnostics, stopping the server, and writing what was seen.
-- Loaded with dofile() beside the scenario (nvim_runner.py runs them with -u NONE).
local M = {}

M.PY = assert(os.getenv('E2E_PY'), 'E2E_PY')
M.FILE = assert(os.getenv('E2E_FILE'), 'E2E_FILE')
M.OUT = assert(os.getenv('E2E_OUT'), 'E2E_OUT')
M.STORE = assert(os.getenv('E2E_STORE'), 'E2E_STORE')
M.T = tonumber(os.getenv('E2E_TIMEOUT_MS') or '15000')
M.client, M.exited = nil, nil
local t0 = vim.loop.hrtime()

function M.on_exit(code, signal) M.exited = { code = code, signal = signal } end

function M.check(cond, msg) if not cond then error(msg, 2) end end

function M.wait(what, cond, ms)
  local ok = vim.wait(ms or M.T, function() return M.exited ~= nil or cond() end, 10)
  M.check(M.exited == nil, 'server exited while waiting for ' .. what .. ': ' .. vim.inspect(M.exited))
  M.check(ok, 'timeout waiting for ' .. what)
end

function M.request(method, params, bufnr)
  local resp
  M.check(M.client.request(method, params, function(err, result) resp = { err = err, result = result } end, bufnr),
    method .. ': client.request returned false')
  M.wait(method, function() return resp ~= nil end)
  M.check(resp.err == nil, method .. ' error: ' .. vim.inspect(resp.err))
  return resp.result
end

-- roadmap-coach's diagnostics in a buffer (of one code, or all)
function M.ours(bufnr, code)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'roadmap-coach' and (code == nil or d.code == code) then table.insert(found, d) end
  end
  return found
end

function M.step(obs, name)
  obs.steps = obs.steps or {}
  table.insert(obs.steps, { name, math.floor((vim.loop.hrtime() - t0) / 1e6) })
end

-- Starts the server as docs/editors.md's Neovim 0.7 set-up does; `config` adds to it.
function M.start(config)
  local id = vim.lsp.start_client(vim.tbl_extend('force', {
    name = 'roadmap-coach',
    cmd = { M.PY, '-m', 'roadmap_coach', 'serve' },
    root_dir = vim.fn.fnamemodify(M.FILE, ':h'),
    init_options = { debounceMs = 0, storePath = M.STORE },
    flags = { debounce_text_changes = 0 }, -- 0.7's default is 150 ms
    on_exit = M.on_exit,
  }, config or {}))
  M.check(id, 'start_client failed (cmd not executable?)')
  M.client = vim.lsp.get_client_by_id(id)
  M.wait('initialize', function() return M.client.initialized end)
  return M.client, id
end

-- Opens E2E_FILE as a Python buffer attached to the server (that sends didOpen).
function M.open(client_id)
  vim.cmd('edit ' .. vim.fn.fnameescape(M.FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'python' -- -u NONE: no filetype detection
  M.check(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')
  return bufnr
end

function M.stop()
  M.client.stop()
  M.check(vim.wait(M.T, function() return M.exited ~= nil end, 10), 'server did not exit after stop()')
end

-- Runs the scenario and always writes what it saw, then quits: an uncaught error in a -S
-- script would leave headless nvim running forever. `quit` is 'qall!' unless the scenario
-- means to check that nothing is left unsaved ('qall').
function M.finish(obs, run, quit)
  local ok, err = xpcall(run, debug.traceback)
  obs.ok, obs.error, obs.exit = ok, (not ok) and tostring(err) or nil, M.exited
  vim.fn.writefile({ vim.fn.json_encode(obs) }, M.OUT)
  if ok then vim.cmd(quit or 'qall!') else vim.cmd('cquit 1') end
end

return M
