// The HTTP service end to end (docs/http.md), over loopback, with the
// server in this process: 1M synthetic leads (AUDIENCE_BENCH_LEADS) and
// the demo's segments plus 1,000 of the benchmark mix (bench_data.h).
//
//   BM_CountRequest       GET /v1/segments/1/count on one kept-alive
//                         connection; p50_us / p99_us counters
//   BM_Preview            POST /v1/segments/preview of the 5-condition
//                         segment (synthetic_data.h); p50_ms counter
//   BM_ChangeStreamFanout 100 clients (AUDIENCE_BENCH_SSE_CLIENTS) read
//                         GET /v1/changes while POST /v1/commands applies
//                         one patch_leads batch of 100,000 score patches
//                         (AUDIENCE_BENCH_PATCHES); counters: changes,
//                         delivered_per_s (changes x clients / time from
//                         the request to the last client's last change),
//                         lost (gaps or duplicates in any client's ids:
//                         must be 0)
//
// Requests per second and p99 under concurrent load are wrk's to measure:
// bench/http_load.sh runs it against `audience serve --demo`.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_data.h"
#include "http/server.h"
#include "io/json_writer.h"
#include "synthetic_data.h"

namespace audience::bench {
namespace {

constexpr char kToken[] = "bench-token-0123456789";

struct Service {
  std::unique_ptr<Engine> engine;
  std::unique_ptr<http::Server> server;
};

Service& TheService() {
  static Service* service = [] {
    auto* s = new Service;
    synthetic::Options options;
    options.leads = EnvOr("AUDIENCE_BENCH_LEADS", 1'000'000);
    s->engine = Must(synthetic::BuildEngine(options));
    for (const synthetic::NamedSegment& d : synthetic::DemoSegments()) {
      Must(s->engine->CreateSegment(d.definition).status());
    }
    std::mt19937_64 rng(7);
    for (int i = 0; i < 1000; ++i) {
      Must(s->engine->CreateSegment(MixedSegment(i, 1000, rng)).status());
    }
    http::ServerOptions server_options;
    server_options.port = 0;
    server_options.token = kToken;
    // Readers that have everything notice the end at the next comment.
    server_options.heartbeat = absl::Milliseconds(200);
    s->server = Must(http::Server::Start(*s->engine, server_options));
    return s;
  }();
  return *service;
}

std::unique_ptr<httplib::Client> Client() {
  auto client = std::make_unique<httplib::Client>("127.0.0.1",
                                                  TheService().server->port());
  client->set_bearer_token_auth(kToken);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_read_timeout(300, 0);
  client->set_write_timeout(300, 0);
  return client;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

void BM_CountRequest(benchmark::State& state) {
  auto client = Client();
  std::vector<double> us;
  for (auto _ : state) {
    auto t = std::chrono::steady_clock::now();
    auto r = client->Get("/v1/segments/1/count");
    us.push_back(std::chrono::duration<double, std::micro>(
                     std::chrono::steady_clock::now() - t)
                     .count());
    if (!r || r->status != 200) state.SkipWithError("count failed");
  }
  state.counters["p50_us"] = Percentile(us, 0.5);
  state.counters["p99_us"] = Percentile(us, 0.99);
}
BENCHMARK(BM_CountRequest)->Unit(benchmark::kMicrosecond);

std::string FiveConditionJson() {
  return R"({"filters":[{"field":"country","op":"in","value":["US","CA"]},)"
         R"({"field":"tags","op":"has","value":"vip"},)"
         R"({"field":"score","op":"gte","value":500},)"
         R"({"field":"stage","op":"neq","value":"customer"},)"
         R"({"field":"email","op":"ends_with","value":".com"}]})";
}

void BM_Preview(benchmark::State& state) {
  auto client = Client();
  // Check against the engine before timing: the same count.
  const uint64_t expected = Must(TheService().engine->PreviewSegment(
                                     synthetic::FiveConditionSegment(), 20))
                                .count;
  const std::string body = FiveConditionJson();
  std::vector<double> ms;
  for (auto _ : state) {
    auto t = std::chrono::steady_clock::now();
    auto r = client->Post("/v1/segments/preview", body, "application/json");
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - t)
                     .count());
    if (!r || r->status != 200 ||
        r->body.find("{\"count\":" + std::to_string(expected) + ",") != 0) {
      state.SkipWithError("preview failed or disagreed with the engine");
    }
  }
  state.counters["p50_ms"] = Percentile(ms, 0.5);
}
BENCHMARK(BM_Preview)->Unit(benchmark::kMillisecond);

// One change-stream client: counts the changes it reads and checks their
// ids follow each other from the first on.
class StreamClient {
 public:
  void Run(int port, std::atomic<uint64_t>* target) {
    httplib::Client client("127.0.0.1", port);
    client.set_bearer_token_auth(kToken);
    client.set_read_timeout(300, 0);
    std::string pending;
    client.Get("/v1/changes", [&](const char* data, size_t size) {
      pending.append(data, size);
      size_t line_end;
      while ((line_end = pending.find('\n')) != std::string::npos) {
        std::string_view line(pending.data(), line_end);
        if (line == "event: ready") ready_ = true;
        if (line.substr(0, 4) == "id: ") {
          uint64_t id = 0;
          std::from_chars(line.data() + 4, line.data() + line.size(), id);
          if (last_ != 0 && id != last_ + 1) ++lost_;
          last_ = id;
          ++received_;
          last_at_ = std::chrono::steady_clock::now();
        }
        pending.erase(0, line_end + 1);
      }
      return !stop_ && !(target->load() != 0 && last_ >= target->load());
    });
  }

  std::atomic<bool> ready_{false};
  std::atomic<bool> stop_{false};
  uint64_t received_ = 0;
  uint64_t lost_ = 0;
  uint64_t last_ = 0;
  std::chrono::steady_clock::time_point last_at_;
};

// The number of the newest change the server has published (/metrics).
uint64_t Published(httplib::Client& client) {
  auto metrics = client.Get("/metrics");
  const std::string key = "\naudience_changes_published_total ";
  const size_t at = metrics->body.find(key);
  uint64_t latest = 0;
  std::from_chars(metrics->body.data() + at + key.size(),
                  metrics->body.data() + metrics->body.size(), latest);
  return latest;
}

void BM_ChangeStreamFanout(benchmark::State& state) {
  Service& service = TheService();
  const int clients =
      static_cast<int>(EnvOr("AUDIENCE_BENCH_SSE_CLIENTS", 100));
  const uint64_t patches = EnvOr("AUDIENCE_BENCH_PATCHES", 100'000);
  const uint64_t leads = service.engine->LeadCount();
  // Each run draws new scores: the same batch again would change nothing.
  static uint64_t runs = 0;
  std::mt19937_64 rng(11 + runs++);
  for (auto _ : state) {
    JsonWriter batch;
    batch.BeginObject().Key("op").String("patch_leads").Key("patches");
    batch.BeginArray();
    for (uint64_t i = 0; i < patches; ++i) {
      batch.BeginObject().Key("id").Uint(1 + rng() % leads);
      batch.Key("set").BeginObject().Key("score").Int(
          static_cast<int64_t>(rng() % 1000));
      batch.EndObject().EndObject();
    }
    batch.EndArray().EndObject();

    std::atomic<uint64_t> target{0};
    std::vector<std::unique_ptr<StreamClient>> readers;
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
      readers.push_back(std::make_unique<StreamClient>());
      threads.emplace_back([&, r = readers.back().get()] {
        r->Run(service.server->port(), &target);
      });
    }
    for (auto& r : readers) {
      while (!r->ready_)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    auto client = Client();
    const uint64_t first = Published(*client);
    const auto start = std::chrono::steady_clock::now();
    auto answer = client->Post("/v1/commands", batch.str() + "\n",
                               "application/x-ndjson");
    if (!answer || answer->body.rfind("{\"ok\":true", 0) != 0) {
      std::fprintf(stderr, "batch: %s\n",
                   answer ? answer->body.substr(0, 300).c_str()
                          : httplib::to_string(answer.error()).c_str());
      state.SkipWithError("the batch failed");
    }
    // The newest change now: every stream must deliver up to it.
    const uint64_t latest = Published(*client);
    if (latest == first) {
      state.SkipWithError("the batch changed no membership");
      target = UINT64_MAX - 1;  // stop every reader at its next keepalive
      for (auto& r : readers) r->stop_ = true;
    } else {
      target = latest;
    }
    for (std::thread& t : threads) t.join();
    auto end = start;
    uint64_t lost = 0;
    for (auto& r : readers) {
      end = std::max(end, r->last_at_);
      lost += r->lost_ + (latest - first - r->received_);
    }
    const double seconds = std::chrono::duration<double>(end - start).count();
    const uint64_t changes = latest - first;
    state.SetIterationTime(seconds);
    state.counters["changes"] = static_cast<double>(changes);
    state.counters["clients"] = clients;
    state.counters["delivered_per_s"] = changes * clients / seconds;
    state.counters["lost"] = static_cast<double>(lost);
  }
}
BENCHMARK(BM_ChangeStreamFanout)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace audience::bench

BENCHMARK_MAIN();
