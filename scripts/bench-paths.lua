-- wrk script: each thread cycles through the paths of a file (one per line), starting at a
-- different place, so that a run loads many pages rather than one cached answer.
local paths = {}
local at = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  at = math.random(#paths)
end

function request()
  at = at % #paths + 1
  return wrk.format(nil, paths[at])
end
