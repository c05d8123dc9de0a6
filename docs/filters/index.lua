--[[
filters/index.lua - the index: the calls, options, flags and errno names
the text names in inline code (`bind()`, `SO_REUSEADDR`, `MSG_NOSIGNAL`,
`EADDRINUSE`), and the glossary's terms. On paper each mention gets a
LaTeX \index entry (imakeidx makes the index, with page numbers, at the
end); on screen the first mention in each chapter gets an anchor, and an
"Index" section at the end links to them, by chapter. Headings and code
blocks are not indexed.
]]

local common = require("filters.common")
local latex, latex_escape = common.latex, common.latex_escape

local M = {}

-- The calls a reader looks up: those the lessons make, and a few around
-- them.
local CALLS = {}
for name in ([[socket bind listen accept accept4 connect send recv sendto
  recvfrom shutdown close dup getsockname getpeername setsockopt getsockopt
  getaddrinfo freeaddrinfo gai_strerror poll select fcntl fork waitpid
  sigaction socketpair sendmsg recvmsg getrlimit setrlimit epoll_create1
  epoll_ctl epoll_wait sendfile read write htons ntohs htonl ntohl
  inet_pton inet_ntop unlink flock]]):gmatch("%S+") do
  CALLS[name] = true
end

-- Option and flag names, by their prefixes.
local PREFIXES = { "SO_", "TCP_", "IP_", "IPV6_", "MSG_", "SOCK_", "AF_",
  "SHUT_", "POLL", "EPOLL", "O_NONBLOCK", "SIG", "SA_", "INADDR_", "AI_",
  "EAI_" }

-- errno names: those of the header's table (lessons/common/ss_errors.h).
local ERRNO = nil
local function errno_names()
  if not ERRNO then
    ERRNO = {}
    local f = io.open("lessons/common/ss_errors.h", "r")
    if f then
      for name in f:read("a"):gmatch("SS_E%((E[%u%d]+),") do
        ERRNO[name] = true
      end
      f:close()
    end
    for _, e in ipairs({ "EAGAIN", "EWOULDBLOCK", "EINPROGRESS", "EINTR" }) do
      ERRNO[e] = true
    end
  end
  return ERRNO
end

-- The entry a piece of inline code makes, or nil.
function M.term(text)
  local name = text:match("^([%a_][%w_]*)%(%)$")
  if name and CALLS[name] then
    return name .. "()"
  end
  if not text:match("^[%u][%u%d_]+$") then
    return nil
  end
  if errno_names()[text] then
    return text
  end
  for _, p in ipairs(PREFIXES) do
    if text:sub(1, #p) == p then
      return text
    end
  end
  return nil
end

-- entries[key] = { text = what is shown, code = true|false,
--   where = { {label = "6", id = "ix-12"}, ... } } (screen: one a chapter)
local entries = {}
local count = 0

-- The entry is shown in the text font: \texttt{...} inside another
-- command's argument reaches the .idx file spelt differently, and makeindex
-- would list the name twice.
local function latex_entry(key)
  local shown = latex_escape(key)
  -- makeindex's own characters are quoted with ".
  local sort = key:gsub('(["!@|])', '"%1')
  shown = shown:gsub('(["!@|])', '"%1')
  return pandoc.RawInline("latex", "\\index{" .. sort .. "@" .. shown .. "}")
end

-- Note one mention of key in the chapter labelled label; returns the
-- inlines to put after it (paper) or an id for the mention (screen).
local function mention(key, code, label)
  local e = entries[key]
  if not e then
    e = { text = key, code = code, where = {}, seen = {} }
    entries[key] = e
  end
  if latex() then
    return latex_entry(key), nil
  end
  if e.seen[label] then
    return nil, nil
  end
  e.seen[label] = true
  count = count + 1
  local id = "ix-" .. count
  e.where[#e.where + 1] = { label = label, id = id }
  return nil, id
end

local function index_inlines(inlines, label)
  local out = pandoc.List()
  for _, il in ipairs(inlines) do
    local key = il.t == "Code" and M.term(il.text) or nil
    if key then
      local raw, id = mention(key, true, label)
      if id then
        out:insert(pandoc.Span({ il }, pandoc.Attr(id)))
      else
        out:insert(il)
        if raw then
          out:insert(raw)
        end
      end
    else
      out:insert(il)
    end
  end
  return out
end

-- The glossary's terms: each definition's term, indexed where it is
-- defined.
local function index_glossary(dl, label)
  for _, item in ipairs(dl.content) do
    local term = item[1]
    local key = pandoc.utils.stringify(term)
    if key ~= "" then
      local raw, id = mention(key, false, label)
      if raw then
        term:insert(raw)
      elseif id then
        item[1] = { pandoc.Span(term, pandoc.Attr(id)) }
      end
    end
  end
  return dl
end

-- Walk the document (after numbering: chapters carry their number).
function M.blocks(blocks)
  local label = ""
  local in_glossary = false
  local out = pandoc.List()
  for _, b in ipairs(blocks) do
    if b.t == "Header" and b.level == 1 then
      -- "6", "A"; unnumbered: its title up to a colon ("Part I")
      label = b.attributes["number"] or
        pandoc.utils.stringify(b.content):gsub(":.*$", "")
      in_glossary = b.identifier == "glossary"
      out:insert(b)
    elseif b.t == "Header" or b.t == "CodeBlock" or b.t == "RawBlock" then
      out:insert(b)
    else
      out:insert(pandoc.walk_block(b, {
        Inlines = function(inl)
          return index_inlines(inl, label)
        end,
        -- (a definition list may sit in a ::: small div)
        DefinitionList = function(dl)
          return in_glossary and index_glossary(dl, label) or nil
        end,
      }))
    end
  end
  return out
end

-- The index itself, at the end: on paper LaTeX's, on screen a section
-- of links by chapter.
function M.index_blocks()
  if latex() then
    -- (on the page the last chapter ended on, when 10 lines are free)
    return { pandoc.RawBlock("latex", "\\begingroup\\ssrunon[10]\\printindex\\endgroup") }
  end
  local keys = {}
  for k in pairs(entries) do
    keys[#keys + 1] = k
  end
  table.sort(keys, function(a, b)
    local la, lb = a:lower():gsub("[^%w]", ""), b:lower():gsub("[^%w]", "")
    if la == lb then
      return a < b
    end
    return la < lb
  end)
  local items = {}
  for _, k in ipairs(keys) do
    local e = entries[k]
    local inl = { e.code and pandoc.Code(e.text) or pandoc.Str(e.text),
      pandoc.Str(":") }
    for i, w in ipairs(e.where) do
      if i > 1 then
        inl[#inl + 1] = pandoc.Str(",")
      end
      inl[#inl + 1] = pandoc.Space()
      inl[#inl + 1] = pandoc.Link({ pandoc.Str(w.label) }, "#" .. w.id)
    end
    items[#items + 1] = pandoc.Para(inl)
  end
  return {
    pandoc.Header(1, { pandoc.Str("Index") },
      pandoc.Attr("index", { "unnumbered" })),
    pandoc.Div(items, pandoc.Attr("", { "index" })),
  }
end

return M
