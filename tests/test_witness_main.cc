// test_witness NAME SEED_BYTE LOG_VKEY_FILE [bad-cosignature]
//
// Runs the suite's tlog-witness (witness_server.h) on 127.0.0.1, trusting
// the log key in LOG_VKEY_FILE, with key name NAME and a seed of 32 bytes
// SEED_BYTE. Prints "url <URL>" and "vkey <VKEY>" lines, then serves until
// SIGTERM or SIGINT. For the CLI tests (tests/cli/witness_cli_test.sh).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "witness_server.h"

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: test_witness NAME SEED_BYTE LOG_VKEY_FILE [bad-cosignature]\n";
    return 2;
  }
  std::ifstream in(argv[3]);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string vkey = ss.str();
  while (!vkey.empty() && (vkey.back() == '\n' || vkey.back() == ' ')) vkey.pop_back();
  auto log_key = lifeline::note::Verifier::Parse(vkey);
  if (!log_key.ok()) {
    std::cerr << "test_witness: " << argv[3] << ": " << log_key.status().ToString() << "\n";
    return 2;
  }
  // Block the stop signals before any thread starts, then wait for one.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  lifeline::testing::TestWitness w(argv[1], static_cast<uint8_t>(std::atoi(argv[2])), {*log_key});
  if (argc == 5) {
    if (std::string(argv[4]) != "bad-cosignature") {
      std::cerr << "test_witness: unknown mode " << argv[4] << "\n";
      return 2;
    }
    w.set_mode(lifeline::testing::TestWitness::Mode::kBadCosignature);
  }
  auto s = w.Start();
  if (!s.ok()) {
    std::cerr << "test_witness: " << s.ToString() << "\n";
    return 1;
  }
  std::cout << "url " << w.url() << "\nvkey " << w.vkey() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  w.Stop();
  return 0;
}
