#include "commands.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "client.hpp"
#include "html_report.hpp"
#include "report.hpp"
#include "runner.hpp"
#include "snapshot.hpp"
#include "spec_diff.hpp"
#include "validate.hpp"

namespace oxen::conformance {

namespace {

std::string read_input(const std::string& path, std::istream& in) {
  std::stringstream ss;
  if (path == "-") {
    ss << in.rdbuf();
    return ss.str();
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  ss << f.rdbuf();
  return ss.str();
}

std::string key_from(const std::string& option) {
  if (!option.empty()) return option;
  const char* env = std::getenv("OXEN_API_KEY");
  return env ? env : "";
}

struct RunArgs {
  std::string base_url, api_key, report_junit, report_json, report_html, ca_file;
  double timeout = 30;
  double stream_budget = 120;
  std::string contract;  // "" = the profile's default
  RunOptions options;
};

// --contract: which sources' rules fail the run (rule_sources.hpp).
void add_contract_option(CLI::App* cmd, RunArgs& a) {
  cmd->add_option("--contract", a.contract,
                  "Which rules fail the run: published (Oxen's OpenAPI), documented (also the docs; the default, "
                  "ours for --profile mock) or ours (also our tightenings); the others' findings are warnings")
      ->check(CLI::IsMember({"published", "documented", "ours"}));
}

void add_connection_options(CLI::App* cmd, RunArgs& a) {
  cmd->add_option("--base-url", a.base_url, "API root, e.g. https://hub.oxen.ai/api or http://127.0.0.1:PORT/api")
      ->required();
  cmd->add_option("--api-key", a.api_key, "API key (default: $OXEN_API_KEY); never printed");
  cmd->add_option("--timeout", a.timeout, "Connect/read/write timeout in seconds (0.1 to 3600)")
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--stream-budget", a.stream_budget, "The longest a whole stream may take, in seconds (1 to 3600)")
      ->check(CLI::Range(1.0, 3600.0));
  cmd->add_option("--ca-file", a.ca_file, "CA bundle for HTTPS (default: the system store)");
}

// Runs the checks and prints progress and results; returns the report.
RunReport run_and_print(ApiClient& client, const RunOptions& options, Io io, const std::string& secret) {
  RunHooks hooks;
  hooks.started = [&](const CheckDef& c) {
    if (io.tty) io.out << "....  " << c.id << std::flush;
  };
  hooks.estimated = [&](double usd, const std::vector<PlannedCost>& plan) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", usd);
    io.out << "estimated cost: $" << buf;
    double refusals = 0;
    for (const auto& p : plan) refusals += p.if_accepted ? p.usd : 0;
    if (refusals > 0) {
      std::snprintf(buf, sizeof buf, "%.6f", refusals);
      io.out << ", of which $" << buf << " only if the server accepts requests the docs say it refuses (--skip rules. saves it)";
    }
    io.out << "\n";
    for (const auto& p : plan) {
      std::snprintf(buf, sizeof buf, "%.6f", p.usd);
      io.out << "  " << p.check << ": " << p.calls << " call(s) to " << p.model << ", " << p.each << " each, $" << buf
             << (p.if_accepted ? " (if accepted)" : "") << "\n";
    }
  };
  hooks.finished = [&](const CheckResult& r) {
    if (io.tty) io.out << "\r\033[K";
    io.out << redact(text_result(r, io.tty), secret) << std::flush;
  };
  return run_checks(client, options, hooks);
}

int cmd_run(RunArgs& a, Io io) {
  std::string key = key_from(a.api_key);
  try {
    if (key.empty()) throw std::runtime_error("no API key: pass --api-key or set OXEN_API_KEY");
    ApiClient client(parse_base_url(a.base_url), key, HttpOptions{a.timeout, a.ca_file, a.stream_budget});
    select_checks(a.options);  // option errors before any request
    auto report = run_and_print(client, a.options, io, key);
    io.out << redact(text_summary(report), key);
    if (!a.report_json.empty()) write_file(a.report_json, json_report(report), key);
    if (!a.report_junit.empty()) write_file(a.report_junit, junit_report(report), key);
    if (!a.report_html.empty()) write_file(a.report_html, html_report(report), key);
    return report.all_passed() ? 0 : 1;
  } catch (const std::exception& e) {
    io.err << "oxen-conformance: " << redact(e.what(), key) << "\n";
    return 2;
  }
}

int cmd_record(RunArgs& a, const std::string& out_dir, Io io) {
  std::string key = key_from(a.api_key);
  try {
    if (key.empty()) throw std::runtime_error("no API key: pass --api-key or set OXEN_API_KEY");
    ApiClient client(parse_base_url(a.base_url), key, HttpOptions{a.timeout, a.ca_file, a.stream_budget});
    auto report = run_and_print(client, a.options, io, key);
    std::filesystem::create_directories(out_dir);
    auto snap = make_snapshot(client.base().to_string(), a.options.profile, client.exchanges(), key);
    write_file(out_dir + "/snapshot.json", report_json_text(snap), key);
    auto models = snapshot_models_fixture(snap);
    if (!models.is_null()) {
      write_file(out_dir + "/models.json", report_json_text(models), key);
      auto violations = SchemaStore::builtin().validate("fixture_models", models);
      if (!violations.empty())
        io.err << "oxen-conformance: models.json does not satisfy fixture_models (" << violations.size()
               << " violations; first: " << describe(violations.front()) << ")\n";
    }
    write_file(out_dir + "/report.json", json_report(report), key);
    write_file(out_dir + "/report.html", html_report(report), key);
    io.out << redact(text_summary(report), key);
    io.out << "recorded " << snap["exchanges"].size() << " exchanges in " << out_dir << "\n";
    return report.all_passed() ? 0 : 1;
  } catch (const std::exception& e) {
    io.err << "oxen-conformance: " << redact(e.what(), key) << "\n";
    return 2;
  }
}

nlohmann::json load_openapi(const std::string& where, Io io) {
  std::string text;
  if (where.rfind("http://", 0) == 0 || where.rfind("https://", 0) == 0) {
    ApiClient client(parse_base_url(where), "");
    auto r = client.get("");
    if (!r.ok) throw std::runtime_error("cannot fetch " + where + ": " + r.transport_error);
    if (r.status != 200) throw std::runtime_error("fetching " + where + " answered " + std::to_string(r.status));
    text = r.body;
  } else {
    text = read_input(where, io.in);
  }
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("paths"))
    throw std::runtime_error(where + " is not an OpenAPI document");
  return doc;
}

struct SpecDiffArgs {
  std::string against, baseline, scope = "/api/ai/", accepted, report_html;
  bool no_accepted = false, strict = false;
};

std::vector<AcceptedDifference> accepted_list(const SpecDiffArgs& a, Io io) {
  if (a.no_accepted) return {};
  if (a.accepted.empty()) return builtin_accepted_differences();
  return parse_accepted_differences(read_input(a.accepted, io.in), a.accepted);
}

// New differences first (they are what fails), then stale entries, then the accepted ones with
// their reasons.
void print_review(const SpecReview& review, std::ostream& out) {
  for (const auto& i : review.fresh) out << "NEW       " << i.line() << "\n";
  for (const auto& a : review.stale)
    out << "STALE     " << a.line() << ": accepted, but no longer found; remove it from the list\n";
  for (const auto& [i, a] : review.accepted) out << "ACCEPTED  " << i.line() << "\n          reason: " << a.reason << "\n";
}

int cmd_spec_diff(const SpecDiffArgs& a, Io io) {
  try {
    auto accepted = accepted_list(a, io);
    auto doc = load_openapi(a.against, io);
    // The list is about /api/ai/; a narrower scope leaves entries out of the comparison.
    const bool whole = std::string_view("/api/ai/").starts_with(a.scope);
    auto review = review_spec_diff(spec_diff_ours(doc, mock_routes(), SchemaStore::builtin(), a.scope), accepted, whole);
    const std::string list =
        a.no_accepted ? "no accepted list" : a.accepted.empty() ? "the built-in accepted list" : a.accepted;
    io.out << "# " << a.against << " against our schemas and the mock's routes (" << list << ", "
           << accepted.size() << " entries)\n";
    print_review(review, io.out);
    std::vector<SpecItem> changes;
    if (!a.baseline.empty()) {
      // Changes of the document itself are never accepted: a new baseline acknowledges them.
      changes = spec_diff_baseline(load_openapi(a.baseline, io), doc, a.scope).items;
      io.out << "# " << a.against << " against " << a.baseline << "\n";
      for (const auto& i : changes) io.out << "NEW       " << i.line() << "\n";
    }
    if (!a.report_html.empty()) write_file(a.report_html, html_spec_report(review, changes, a.against, list), "");
    const size_t fresh = review.fresh.size() + changes.size();
    io.out << fresh << (fresh == 1 ? " new difference, " : " new differences, ") << review.accepted.size()
           << " accepted, " << review.stale.size() << (review.stale.size() == 1 ? " stale entry" : " stale entries")
           << (review.stale.empty() || a.strict ? "" : " (a failure under --strict)") << "\n";
    return fresh > 0 || (a.strict && !review.stale.empty()) ? 1 : 0;
  } catch (const std::exception& e) {
    io.err << "oxen-conformance: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace

int conformance_main(const std::vector<std::string>& args, Io io) {
  CLI::App app{"oxen-conformance: check a server or client against the Oxen.ai API contract"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("oxen-conformance ") + OXEN_VERSION);

  RunArgs run_args;
  auto* run = app.add_subcommand("run", "Run the check catalog against a server");
  add_connection_options(run, run_args);
  run->add_option("--profile", run_args.options.profile, "readonly | full | mock")
      ->check(CLI::IsMember({"readonly", "full", "mock"}));
  run->add_option("--only", run_args.options.only, "Run only these check ids (or 'group.' prefixes)");
  run->add_option("--skip", run_args.options.skip, "Skip these check ids (or 'group.' prefixes)");
  run->add_flag("--strict", run_args.options.strict, "Undeclared fields are failures, not warnings");
  run->add_option("--report-junit", run_args.report_junit, "Write a JUnit XML report");
  run->add_option("--report-json", run_args.report_json, "Write a JSON report with every finding");
  run->add_option("--report-html", run_args.report_html, "Write a self-contained HTML report to open in a browser");
  run->add_option("--custom-model", run_args.options.custom_models, "Custom model ids to observe");
  run->add_option("--chat-model", run_args.options.chat_model, "Model for the chat checks (default: cheapest listed)");
  add_contract_option(run, run_args);
  double max_cost = -1;
  run->add_option("--max-cost", max_cost, "USD the full profile may spend");

  std::string schema, input = "-";
  bool vstrict = false;
  auto* validate = app.add_subcommand("validate", "Validate a JSON document or an SSE transcript");
  validate->add_option("--schema", schema, "Schema name (file stem under schemas/)")->required();
  validate->add_option("input", input, "File, or - for standard input");
  validate->add_flag("--strict", vstrict, "Undeclared fields are failures");

  RunArgs rec_args;
  std::string out_dir;
  auto* record = app.add_subcommand("record", "Run a profile's checks and save the answers as a snapshot");
  add_connection_options(record, rec_args);
  record->add_option("--profile", rec_args.options.profile, "readonly (default) | full | mock")
      ->check(CLI::IsMember({"readonly", "full", "mock"}));
  double rec_max_cost = -1;
  record->add_option("--max-cost", rec_max_cost, "USD the full profile may spend");
  add_contract_option(record, rec_args);
  record->add_option("--out", out_dir, "Folder for snapshot.json, models.json, report.json and report.html")->required();

  std::string snap_a, snap_b, diff_html;
  auto* diff = app.add_subcommand("diff", "Shape-level drift between two snapshots");
  diff->add_option("a", snap_a, "Earlier snapshot (folder or snapshot.json)")->required();
  diff->add_option("b", snap_b, "Later snapshot")->required();
  diff->add_option("--report-html", diff_html, "Also write the differences as a self-contained HTML page");

  SpecDiffArgs spec_args;
  auto* spec = app.add_subcommand("spec-diff", "Compare a published OpenAPI document with our schemas");
  spec->add_option("--against", spec_args.against, "OpenAPI document: URL or file")->required();
  spec->add_option("--baseline", spec_args.baseline, "An earlier copy of the document to compare with");
  spec->add_option("--scope", spec_args.scope, "Path prefix compared (\"\" for all)");
  auto* accepted_opt = spec->add_option("--accepted", spec_args.accepted,
                                        "List of accepted differences (default: the reviewed list compiled in)");
  spec->add_flag("--no-accepted", spec_args.no_accepted, "Accept no difference: every one fails")->excludes(accepted_opt);
  spec->add_flag("--strict", spec_args.strict, "An accepted entry that matches nothing fails the run");
  spec->add_option("--report-html", spec_args.report_html, "Also write the review as a self-contained HTML page");

  ClientOptions client_opts;
  auto* client = app.add_subcommand("client", "Run a client command against a fresh mock and report request-schema violations");
  client->add_option("--mock", client_opts.mock_binary, "The oxen-mock program (default: $OXEN_MOCK, next to this one, PATH)");
  client->add_option("--clock", client_opts.clock, "The mock's clock: real or manual")->check(CLI::IsMember({"real", "manual"}));
  client->add_option("--api-key", client_opts.api_key, "Key handed to the command in OXEN_API_KEY");
  client->add_flag("--strict", client_opts.strict, "Undeclared query parameters and body members are failures");
  client->add_option("--journal-feed", client_opts.journal_feed,
                     "Requests the mock may hold until they are read (1 to 10000000); beyond, exit 2")
      ->check(CLI::Range(size_t{1}, size_t{10000000}));
  client->add_option("command", client_opts.command, "The command, after --")->required();

  // A first word that is not an option must name a subcommand.
  if (args.size() > 1 && !args[1].empty() && args[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == args[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      io.err << "oxen-conformance: unknown subcommand '" << args[1] << "'; the subcommands are " << names << "\n";
      return 2;
    }
  }

  std::vector<std::string> argv_store(args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_store) argv.push_back(s.data());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp& e) {
    io.out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp& e) {
    io.out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    io.out << app.version() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    io.err << "oxen-conformance: " << e.what() << "\n";
    return 2;
  }

  if (*run) {
    if (max_cost >= 0) run_args.options.max_cost = max_cost;
    if (!run_args.contract.empty()) run_args.options.contract = source_named(run_args.contract);
    return cmd_run(run_args, io);
  }
  if (*record) {
    if (rec_max_cost >= 0) rec_args.options.max_cost = rec_max_cost;
    if (!rec_args.contract.empty()) rec_args.options.contract = source_named(rec_args.contract);
    return cmd_record(rec_args, out_dir, io);
  }
  if (*client) return run_client(client_opts, io.out, io.err);
  if (*validate) {
    try {
      return validate_document(schema, read_input(input, io.in), vstrict, io.out, io.err);
    } catch (const std::exception& e) {
      io.err << "oxen-conformance: " << e.what() << "\n";
      return 2;
    }
  }
  if (*diff) {
    try {
      auto items = diff_snapshots(load_snapshot(snap_a), load_snapshot(snap_b));
      for (const auto& i : items) io.out << i.line() << "\n";
      io.out << items.size() << (items.size() == 1 ? " difference\n" : " differences\n");
      if (!diff_html.empty()) write_file(diff_html, html_drift_report(items, snap_a, snap_b), "");
      return items.empty() ? 0 : 1;
    } catch (const std::exception& e) {
      io.err << "oxen-conformance: " << e.what() << "\n";
      return 2;
    }
  }
  if (*spec) return cmd_spec_diff(spec_args, io);
  return 2;
}

}  // namespace oxen::conformance
