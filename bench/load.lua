-- The one wrk script of the bench: what to send is chosen by arguments, and
-- the result is one JSON line on stdout (from done()).
--
--   wrk -t2 -c4 -d10s -s bench/load.lua http://127.0.0.1:PORT -- mode=get path=/api/health [key=value...]
--
-- Arguments (key=value):
--   mode      get | ids | create | patch | login | refresh
--   path      get: the path; ids/patch: the prefix the id is appended to; create/login/refresh: the path
--   token     an access token: sent as "Authorization: Bearer <token>"
--   business  sent as X-Business-Id
--   file      ids/patch: product ids; login: e-mail addresses; refresh: refresh tokens (one per line)
--   password  login: the password of every address in file
--   tag       create/patch: makes the run's SKUs and prices unique (the run's number)
--   nthreads  the -t value, so that each thread takes its own share of file
--   max       stop each thread after this many requests (0: no limit)
--
-- Every thread reads file and keeps lines tid, tid+nthreads, ...: refresh
-- tokens are single-use, so no two requests may send the same one; ids are
-- spread so that concurrent PATCHes do not queue on one row's lock.

local counter = 0
local tid_next = 0

function setup(thread)
   thread:set("tid", tid_next)
   tid_next = tid_next + 1
end

local function read_lines(path, step, offset)
   local lines, n = {}, 0
   for line in io.lines(path) do
      if line ~= "" then
         if n % step == offset then
            lines[#lines + 1] = line
         end
         n = n + 1
      end
   end
   return lines
end

function init(args)
   opts = {}
   for _, arg in ipairs(args) do
      local key, value = arg:match("^([%w_]+)=(.*)$")
      if key then opts[key] = value end
   end
   mode = opts.mode or "get"
   path = opts.path or "/"
   limit = tonumber(opts.max or "0")
   tag = opts.tag or "0"
   local nthreads = tonumber(opts.nthreads or "1")
   headers = {}
   if opts.token then headers["Authorization"] = "Bearer " .. opts.token end
   if opts.business then headers["X-Business-Id"] = opts.business end
   if mode ~= "get" and mode ~= "ids" then headers["Content-Type"] = "application/json" end
   lines = {}
   if opts.file then
      lines = read_lines(opts.file, nthreads, tid)
      if #lines == 0 then error("no lines for thread " .. tid .. " in " .. opts.file) end
   end
   static = nil
   if mode == "get" then
      static = wrk.format("GET", path, headers)
   end
end

local function next_line()
   return lines[counter % #lines + 1]
end

function request()
   counter = counter + 1
   if limit > 0 and counter >= limit then
      wrk.thread:stop()
   end
   if static then
      return static
   elseif mode == "ids" then
      return wrk.format("GET", path .. next_line(), headers)
   elseif mode == "create" then
      local sku = string.format("BENCH-%s-%d-%d", tag, tid, counter)
      local body = string.format(
         '{"name": "Bench product %s", "sku": "%s", "barcode": "%d", "unit": "bottle", ' ..
         '"cost_price": "4.20", "sale_price": "9.90", "tax_rate": "23.00", "reorder_point": "5", ' ..
         '"reorder_quantity": "12"}', sku, sku, 7700000000000 + counter)
      return wrk.format("POST", path, headers, body)
   elseif mode == "patch" then
      local id = next_line()
      local body = string.format('{"sale_price": "%d.%02d"}', 10 + (counter % 90), (tonumber(tag) or 0) % 100)
      return wrk.format("PATCH", path .. id, headers, body)
   elseif mode == "login" then
      local body = string.format('{"email": "%s", "password": "%s"}', next_line(), opts.password)
      return wrk.format("POST", path, headers, body)
   elseif mode == "refresh" then
      local body = string.format('{"refresh_token": "%s"}', next_line())
      return wrk.format("POST", path, headers, body)
   end
   error("unknown mode " .. mode)
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      '{"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, ' ..
      '"mean_ms": %.3f, "max_ms": %.3f, "non_2xx": %d, "socket_errors": %d, "bytes": %d}\n',
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.mean / 1000, latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout,
      summary.bytes))
end
