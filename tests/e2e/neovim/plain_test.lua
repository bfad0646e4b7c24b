-- Real Neovim (0.7.2+, headless) as a plain LSP client — Neovim's own handlers, no
-- opt-in: milestones that arrive together are ONE readable message in `:messages`, with
-- the same next step as getProgress's nextUp; a code lens click shows the checkpoint's
-- page; `roadmap-coach explain` prints it from the editor's shell. Writes E2E_OUT (JSON).
--   nvim --headless -u NONE -i NONE -n -S plain_test.lua
local lib = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/e2e_lib.lua')
local PY, FILE, STORE = lib.PY, lib.FILE, lib.STORE
lib.T = tonumber(os.getenv('E2E_TIMEOUT_MS') or '20000')

local v = vim.version()
local obs = { nvim = ('%d.%d.%d'):format(v.major, v.minor, v.patch) }
local client

local check, wait, ours = lib.check, lib.wait, lib.ours
local request = lib.request
-- what the learner reads with :messages
local function messages() return vim.fn.execute('messages') end
local function count(haystack, needle)
  local n, at = 0, 1
  while true do
    local s = haystack:find(needle, at, true)
    if not s then return n end
    n, at = n + 1, s + 1
  end
end

local function run()
  vim.lsp.set_log_level(os.getenv('E2E_LOG_LEVEL') or 'warn')
  local client_id
  client, client_id = lib.start()

  local bufnr = lib.open(client_id)
  local uri = vim.uri_from_bufnr(bufnr)

  wait('the milestones message', function() return messages():find('milestones:', 1, true) ~= nil end)
  vim.wait(1500, function() return false end, 50) -- anything else that would arrive, arrives
  obs.messages = messages()

  local progress = request('roadmapCoach/getProgress', {}, bufnr)
  obs.next_up = progress.nextUp

  local lenses = request('textDocument/codeLens', { textDocument = { uri = uri } }, bufnr)
  obs.lenses = {}
  for _, lens in ipairs(lenses or {}) do
    table.insert(obs.lenses, { line = lens.range.start.line, title = lens.command.title,
      command = lens.command.command, arguments = lens.command.arguments })
  end
  -- a lens click: Neovim's own codelens.run on the route's line (it sends the server
  -- command through workspace/executeCommand, since the client has no such command)
  local route
  for _, lens in ipairs(lenses or {}) do
    if lens.command.title:find('Flask route', 1, true) then route = lens end
  end
  check(route, 'no lens for the Flask route: ' .. vim.inspect(obs.lenses))
  vim.lsp.codelens.refresh()
  wait('the lenses in the buffer', function() return #vim.lsp.codelens.get(bufnr) > 0 end)
  vim.api.nvim_win_set_cursor(0, { route.range.start.line + 1, 0 })
  local before = #messages()
  vim.lsp.codelens.run()
  wait('the page in the message area', function() return #messages() > before end)
  vim.wait(300, function() return false end, 50)
  obs.lens_message = messages():sub(before + 1)

  -- the terminal page, from Neovim's own shell (what `:!roadmap-coach explain …` shows)
  obs.explain = vim.fn.system({ PY, '-m', 'roadmap_coach', 'explain', 'web.flask-route', '--store', STORE })
  obs.explain_status = vim.v.shell_error

  lib.stop()
end

lib.finish(obs, run)
