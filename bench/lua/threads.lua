-- Gives every wrk thread an id (0, 1, ...) as the global `id`, before its init() runs.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
