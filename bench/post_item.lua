-- wrk script: POST a valid JSON item (the /items cell).
wrk.method = "POST"
wrk.body = '{"name": "widget", "price": 9.99, "tags": ["a", "b"]}'
wrk.headers["Content-Type"] = "application/json"
