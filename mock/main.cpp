// oxen-mock: an offline stand-in for the Oxen.ai Inference API.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <pthread.h>
#include <thread>

#include "app.hpp"
#include "http/http_server.hpp"

using namespace oxen::mock;

int main(int argc, char** argv) {
  Config config;
  CLI::App cli{"oxen-mock: an offline mock of the Oxen.ai Inference API"};
  cli.set_version_flag("--version", std::string("oxen-mock ") + OXEN_MOCK_VERSION);
  cli.add_option("--host", config.host, "Address to listen on")->capture_default_str();
  cli.add_option("--port", config.port, "Port to listen on; 0 picks a free port")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cli.add_option("--fixtures", config.fixtures_dir,
                 "Folder whose files replace the built-in fixtures of the same name")
      ->check(CLI::ExistingDirectory);
  cli.add_option("--seed", config.seed, "Seed for every generated id, text and byte")
      ->capture_default_str();
  cli.add_option("--api-key", config.api_keys,
                 "Accepted API key (repeatable); default: any non-empty bearer token");
  std::string log = "off";
  cli.add_option("--log", log, "Request log on stderr")
      ->check(CLI::IsMember({"off", "text", "json"}))
      ->capture_default_str();
  std::string clock = "real";
  cli.add_option("--clock", clock, "Clock mode: real, or manual (advanced by the admin API)")
      ->check(CLI::IsMember({"real", "manual"}))
      ->capture_default_str();
  cli.add_flag("--self-check", config.self_check,
               "Validate every response against its schema and journal the findings");
  cli.add_option("--threads", config.worker_threads, "HTTP worker threads; 0 chooses")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  config.log = log == "text" ? LogFormat::text : log == "json" ? LogFormat::json : LogFormat::off;
  config.clock_mode = clock == "manual" ? Clock::Mode::manual : Clock::Mode::real;

  // Block the stop signals in every thread; one thread waits for them and stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<MockApp> app;
  try {
    app = std::make_unique<MockApp>(config, Fixtures::load(config.fixtures_dir));
  } catch (const FixtureError& e) {
    std::cerr << "oxen-mock: fixture error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "oxen-mock: cannot start: " << e.what() << "\n";
    return 2;
  }

  HttpServer server(*app);
  int port = server.bind(config.host, config.port);
  if (port < 0) {
    std::cerr << "oxen-mock: cannot listen on " << config.host << ":" << config.port << "\n";
    return 2;
  }
  std::cout << "oxen-mock listening on http://" << config.host << ":" << port << std::endl;

  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
  });
  server.serve();
  // serve() also returns if the listener fails; wake the waiter so it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return 0;
}
