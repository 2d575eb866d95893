-- wrk script: every request posts the same image generation; BENCH_FORMAT picks url or b64_json.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
local format = os.getenv("BENCH_FORMAT") or "url"
wrk.body = '{"model":"flux-2-dev","prompt":"an ox pulling a cart of data","aspect_ratio":"1:1",' ..
           '"response_format":"' .. format .. '"}'
