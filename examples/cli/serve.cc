// audience serve: the engine as an HTTP service (docs/http.md) with the
// Segments screen at /.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "audience/engine.h"
#include "commands.h"
#include "demo_campaign.h"
#include "http/server.h"
#include "synthetic_data.h"

namespace audience::cli {

namespace {

constexpr char kUsage[] =
    "usage: audience serve [--listen HOST:PORT] [--data-dir DIR]\n"
    "                      [--sync every|interval[:MS]|never]\n"
    "                      [--token-file F] [--web-root DIR]\n"
    "                      [--demo [--leads N]]\n"
    "                      [--max-body-bytes N] [--max-connections N]\n"
    "                      [--read-timeout S] [--idle-timeout S]\n"
    "  --listen     default 127.0.0.1:8080 (port 0: any free port)\n"
    "  --token-file the bearer token every /v1 request must carry; without\n"
    "               it a random one is generated and printed once\n"
    "  --web-root   the Segments screen's files (default: the web/ directory\n"
    "               installed beside the binary)\n"
    "  --demo       serve the demo's synthetic leads (default 1,000,000),\n"
    "               segments and campaign\n";

// "HOST:PORT", "[V6]:PORT" or ":PORT" (loopback).
bool ParseListen(std::string_view text, http::ServerOptions& options) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int value = 0;
  auto [end, ec] =
      std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value < 0 ||
      value > 65535) {
    return false;
  }
  options.host = host.empty() ? "127.0.0.1" : std::string(host);
  options.port = value;
  return true;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out, T min) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= min;
}

// web/ beside the binary (the build tree), else ../share/audience/web (an
// installed copy).
std::string DefaultWebRoot() {
  std::error_code error;
  std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "";
  for (const std::filesystem::path& candidate :
       {exe.parent_path() / "web",
        exe.parent_path().parent_path() / "share" / "audience" / "web"}) {
    if (std::filesystem::is_regular_file(candidate / "index.html", error)) {
      return candidate.string();
    }
  }
  return "";
}

// The demo's synthetic base, segments and campaign (audience demo).
absl::Status LoadDemo(Engine& engine, uint64_t leads) {
  synthetic::Options options;
  options.leads = leads;
  absl::Status status = synthetic::DefineFields(engine);
  if (!status.ok()) return status;
  if (auto r = engine.AdvanceClock(options.now); !r.ok()) return r.status();
  if (auto r = engine.LoadLeads(synthetic::LeadsNdjson(options), "leads");
      !r.ok()) {
    return r.status();
  }
  if (auto r = engine.LoadEvents(synthetic::EventsNdjson(options), "events");
      !r.ok()) {
    return r.status();
  }
  for (const synthetic::NamedSegment& s : synthetic::DemoSegments()) {
    if (auto r = engine.CreateSegment(s.definition); !r.ok()) {
      return r.status();
    }
  }
  return synthetic::RunDemoCampaign(engine).status();
}

}  // namespace

int Serve(const Args& all_args) {
  // --demo is the one flag without a value.
  Args args;
  bool demo = false;
  for (std::string_view arg : all_args) {
    if (arg == "--demo") {
      demo = true;
    } else {
      args.push_back(arg);
    }
  }
  std::optional<ParsedArgs> parsed =
      ParseArgs(args,
                {"--listen", "--data-dir", "--sync", "--token-file",
                 "--web-root", "--leads", "--max-body-bytes",
                 "--max-connections", "--read-timeout", "--idle-timeout"},
                0);
  std::optional<EngineOptions> engine_options;
  if (parsed) engine_options = StorageOptions(*parsed);
  http::ServerOptions options;
  uint64_t leads = 1'000'000;
  bool bad = !engine_options;
  if (!bad) {
    auto flag = [&](std::string_view name) { return parsed->Flag(name); };
    if (auto v = flag("--listen"); v && !ParseListen(*v, options)) {
      std::fprintf(stderr, "audience: --listen expects HOST:PORT, got \"%s\"\n",
                   std::string(*v).c_str());
      bad = true;
    }
    if (auto v = flag("--leads")) {
      if (!demo) {
        std::fprintf(stderr, "audience: --leads needs --demo\n");
        bad = true;
      } else if (!ParseNumber<uint64_t>(*v, leads, 1)) {
        bad = true;
      }
    }
    if (auto v = flag("--max-body-bytes");
        v && !ParseNumber<size_t>(*v, options.max_body_bytes, 1)) {
      bad = true;
    }
    if (auto v = flag("--max-connections");
        v && !ParseNumber<size_t>(*v, options.max_connections, 1)) {
      bad = true;
    }
    int64_t seconds = 0;
    if (auto v = flag("--read-timeout")) {
      if (ParseNumber<int64_t>(*v, seconds, 1)) {
        options.limits.request_timeout = absl::Seconds(seconds);
      } else {
        bad = true;
      }
    }
    if (auto v = flag("--idle-timeout")) {
      if (ParseNumber<int64_t>(*v, seconds, 1)) {
        options.limits.idle_timeout = absl::Seconds(seconds);
      } else {
        bad = true;
      }
    }
  }
  if (bad) {
    std::fputs(kUsage, stderr);
    return 2;
  }

  bool generated = false;
  if (auto file = parsed->Flag("--token-file")) {
    std::optional<std::string> text = ReadFile(std::string(*file));
    if (!text) return 1;
    options.token = std::string(absl::StripAsciiWhitespace(*text));
    if (options.token.size() < 16) {
      std::fprintf(stderr,
                   "audience: the token in %s must have at least 16 "
                   "characters\n",
                   std::string(*file).c_str());
      return 1;
    }
  } else {
    options.token = http::GenerateToken();
    generated = true;
  }
  options.web_root = parsed->Flag("--web-root")
                         ? std::string(*parsed->Flag("--web-root"))
                         : DefaultWebRoot();

  std::unique_ptr<Engine> engine = OpenEngine(*engine_options);
  if (!engine) return 1;
  if (demo) {
    if (!engine_options->data_dir.empty() && !engine->recovery().created) {
      std::fprintf(stderr,
                   "audience: --demo needs a new data directory; %s already "
                   "holds state\n",
                   engine_options->data_dir.c_str());
      return 1;
    }
    std::fprintf(stderr, "audience serve: loading %s demo leads...\n",
                 Thousands(leads).c_str());
    absl::Status loaded = LoadDemo(*engine, leads);
    if (!loaded.ok()) {
      std::fprintf(stderr, "audience: demo: %s\n", loaded.ToString().c_str());
      return 1;
    }
  }

  // Signals are taken by sigwait below, not by whichever thread they hit.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<std::unique_ptr<http::Server>> server =
      http::Server::Start(*engine, options);
  if (!server.ok()) {
    std::fprintf(stderr, "audience: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const std::string host = options.host.find(':') != std::string::npos
                               ? "[" + options.host + "]"
                               : options.host;
  const std::string url =
      "http://" + host + ":" + std::to_string((*server)->port()) + "/";
  std::printf("audience serve: listening on %s (%s leads, %zu segments)\n",
              url.c_str(), Thousands(engine->LeadCount()).c_str(),
              engine->ListSegments().size());
  if (generated) {
    std::printf("token: %s\n", options.token.c_str());
    if (!options.web_root.empty()) {
      std::printf("open the Segments screen: %s#token=%s\n", url.c_str(),
                  options.token.c_str());
    }
  } else if (!options.web_root.empty()) {
    std::printf("open the Segments screen: %s#token=<your token>\n",
                url.c_str());
  }
  std::fflush(stdout);

  int signal = 0;
  sigwait(&signals, &signal);
  std::fprintf(stderr, "audience serve: stopping (%s)\n", strsignal(signal));
  (*server)->Stop();
  return FinalSync(*engine);
}

}  // namespace audience::cli
