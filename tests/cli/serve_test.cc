// `audience serve` as a process (docs/http.md): flags, what it prints, the
// token it generates or reads, serving the demo, and stopping on SIGTERM
// with the data directory synced.
#include <httplib.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "cli/child_process.h"
#include "cli/scratch_dir.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

// The port in "listening on http://127.0.0.1:PORT/ (...)".
int PortOf(const std::string& line) {
  const std::string prefix = "http://127.0.0.1:";
  size_t at = line.find(prefix);
  REQUIRE(at != std::string::npos);
  return std::stoi(line.substr(at + prefix.size()));
}

TEST_CASE("audience serve --demo serves the demo with a generated token",
          "[cli]") {
  ScratchDir dir;
  ChildProcess serve(
      {"serve", "--demo", "--leads", "2000", "--listen", "127.0.0.1:0"},
      (dir / "stderr"));
  std::optional<std::string> listening = serve.ReadLine(60000);
  REQUIRE(listening);
  CHECK(listening->find("(2,000 leads, 16 segments)") != std::string::npos);
  std::optional<std::string> token_line = serve.ReadLine(5000);
  REQUIRE(token_line);
  REQUIRE(token_line->rfind("token: ", 0) == 0);
  const std::string token = token_line->substr(7);
  CHECK(token.size() == 32);
  std::optional<std::string> screen = serve.ReadLine(5000);
  REQUIRE(screen);
  CHECK(*screen == "open the Segments screen: http://127.0.0.1:" +
                       std::to_string(PortOf(*listening)) + "/#token=" + token);

  httplib::Client client("127.0.0.1", PortOf(*listening));
  client.set_bearer_token_auth(token.c_str());
  auto campaigns = client.Get("/v1/campaigns");
  REQUIRE(campaigns);
  CHECK(campaigns->status == 200);
  CHECK(campaigns->body.find(R"("name":"Autumn nurture")") !=
        std::string::npos);
  auto index = client.Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);  // the web root installed beside the binary
  client.set_bearer_token_auth("wrong");
  auto refused = client.Get("/v1/campaigns");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  CHECK(serve.Stop(SIGTERM) == 0);
}

TEST_CASE(
    "audience serve reads its token from a file and keeps a data "
    "directory",
    "[cli]") {
  ScratchDir dir;
  const std::string token = "file-token-0123456789";
  std::ofstream((dir / "token")) << "  " << token << "\n";
  const std::string data = (dir / "data");
  {
    ChildProcess serve({"serve", "--listen", "127.0.0.1:0", "--token-file",
                        (dir / "token"), "--data-dir", data, "--sync", "never"},
                       (dir / "stderr"));
    std::optional<std::string> listening = serve.ReadLine(30000);
    REQUIRE(listening);
    std::optional<std::string> next = serve.ReadLine(2000);
    // The token came from the file: it is not printed.
    if (next) CHECK(next->find(token) == std::string::npos);
    httplib::Client client("127.0.0.1", PortOf(*listening));
    client.set_bearer_token_auth(token.c_str());
    auto put = client.Put("/v1/leads/3", R"({"score":7})", "application/json");
    REQUIRE(put);
    CHECK(put->status == 200);
    CHECK(serve.Stop(SIGTERM) == 0);  // synced before it exits
  }
  CliResult check = RunCli({"check", data}, "", (dir / "stderr"));
  CHECK(check.status == 0);
  CHECK(check.out.find("state: 1 leads") != std::string::npos);
}

TEST_CASE("audience serve refuses bad flags with its usage", "[cli]") {
  ScratchDir dir;
  for (std::vector<std::string> args :
       {std::vector<std::string>{"serve", "--listen", "nowhere"},
        {"serve", "--listen", "127.0.0.1:70000"},
        {"serve", "--leads", "5"},
        {"serve", "--demo", "--leads", "0"},
        {"serve", "--max-connections", "0"},
        {"serve", "--read-timeout", "soon"},
        {"serve", "--sync", "never"},
        {"serve", "--bogus", "1"}}) {
    INFO(args[1]);
    CliResult r = RunCli(args, "", (dir / "stderr"));
    CHECK(r.status == 2);
  }
  std::ofstream((dir / "short")) << "abc";
  CliResult r = RunCli(
      {"serve", "--listen", "127.0.0.1:0", "--token-file", (dir / "short")}, "",
      (dir / "stderr"));
  CHECK(r.status == 1);
}

}  // namespace
}  // namespace audience::testing
