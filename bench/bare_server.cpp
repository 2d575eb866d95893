// The yardstick for the models benchmark: a bare cpp-httplib server that answers two paths with
// fixed bytes, tuned the way oxen-mock is (TCP_NODELAY, sized pool, long keep-alive).
// Usage: bench_bare_server PORT LIST_FILE MODEL_FILE
#include <httplib.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

static std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: bench_bare_server PORT LIST_FILE MODEL_FILE\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);  // as oxen-mock does: a client that goes away is no crash
  const std::string list = read_file(argv[2]), model = read_file(argv[3]);
  httplib::Server server;
  int threads = static_cast<int>(std::max(8u, std::thread::hardware_concurrency() * 8));
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  server.Get("/api/ai/models", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(list, "application/json");
  });
  server.Get("/api/ai/models/gpt-4o", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(model, "application/json");
  });
  std::cout << "listening" << std::endl;
  server.listen("127.0.0.1", std::stoi(argv[1]));
}
