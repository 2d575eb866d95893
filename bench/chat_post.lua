-- wrk script: every request posts the same non-streamed chat completion.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
wrk.body = '{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},' ..
           '{"role":"user","content":"What is a great name for an ox that pulls a cart of data?"}],"max_tokens":64}'
