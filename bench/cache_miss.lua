-- wrk script: a new query string on every request, so @cache_page never hits (the miss cell).
-- The run's start time is part of it: a later round never requests a URL cached by an earlier one.
run = os.time()
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/users/cached?run=" .. run .. "&n=" .. counter)
end
