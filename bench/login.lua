-- wrk script: log in with JSON (the login row; the user is made by bench/generated.py).
wrk.method = "POST"
wrk.body = '{"username": "bench", "password": "correct horse battery staple 42"}'
wrk.headers["Content-Type"] = "application/json"
