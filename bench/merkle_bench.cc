// Merkle hashing, proof generation and verification. Builds standalone:
//   g++ -O2 -std=c++20 -Isrc bench/merkle_bench.cc src/merkle/{hash,proof,tile}.cc
//     src/crypto/{sha256,ed25519}.cc src/base/{status,bytes}.cc
//     -lbenchmark -lbenchmark_main -lcrypto -lsodium -pthread
// Run with --benchmark_min_time=0.01 for a quick look (benchmark 1.7: no "s").
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "merkle/hash.h"
#include "merkle/merkle_testing.h"
#include "merkle/proof.h"

namespace lifeline::merkle {
namespace {

constexpr uint64_t kTreeSize = 1 << 20;  // 1,048,576 leaves

// Built once: about two million SHA-256 calls.
const testing::MemoryTree& BigTree() {
  static const testing::MemoryTree tree(testing::MemoryTree::EntryLeafHashes(kTreeSize));
  return tree;
}

std::vector<uint64_t> RandomIndices(size_t count, uint64_t below) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<uint64_t> dist(0, below - 1);
  std::vector<uint64_t> out(count);
  for (uint64_t& i : out) i = dist(rng);
  return out;
}

void BM_LeafHash300(benchmark::State& state) {
  const std::string entry(300, 'e');
  for (auto _ : state) benchmark::DoNotOptimize(LeafHash(AsBytes(entry)));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 300);
}
BENCHMARK(BM_LeafHash300);

void BM_NodeHash(benchmark::State& state) {
  Hash a = LeafHash(AsBytes("a"));
  const Hash b = LeafHash(AsBytes("b"));
  for (auto _ : state) {
    a = NodeHash(a, b);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NodeHash);

void BM_RootFromLeafHashes(benchmark::State& state) {
  const std::vector<Hash> leaves = testing::MemoryTree::EntryLeafHashes(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(RootFromLeafHashes(leaves));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RootFromLeafHashes)->Arg(1000)->Arg(65536);

void BM_InclusionProof1M(benchmark::State& state) {
  const NodeReader reader = BigTree().Reader(kTreeSize);
  const std::vector<uint64_t> indices = RandomIndices(4096, kTreeSize);
  size_t i = 0;
  for (auto _ : state) {
    Result<std::vector<Hash>> proof = InclusionProof(indices[i++ % indices.size()], kTreeSize, reader);
    benchmark::DoNotOptimize(proof);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProof1M);

// A tree size that is not a power of two, so the proofs have a border part
// and RangeHash has several pieces to fold.
void BM_InclusionProofOddSize(benchmark::State& state) {
  const uint64_t size = kTreeSize - 12345;
  const NodeReader reader = BigTree().Reader(size);
  const std::vector<uint64_t> indices = RandomIndices(4096, size);
  size_t i = 0;
  for (auto _ : state) {
    Result<std::vector<Hash>> proof = InclusionProof(indices[i++ % indices.size()], size, reader);
    benchmark::DoNotOptimize(proof);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProofOddSize);

void BM_VerifyInclusion1M(benchmark::State& state) {
  const uint64_t size = state.range(0);
  const NodeReader reader = BigTree().Reader(size);
  const Hash root = *TreeRoot(size, reader);
  const std::vector<uint64_t> indices = RandomIndices(1024, size);
  std::vector<std::vector<Hash>> proofs;
  for (uint64_t index : indices) proofs.push_back(*InclusionProof(index, size, reader));
  size_t i = 0;
  for (auto _ : state) {
    const size_t k = i++ % indices.size();
    Status s = VerifyInclusion(indices[k], size, BigTree().leaves()[indices[k]], proofs[k], root);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyInclusion1M)->Arg(kTreeSize)->Arg(kTreeSize - 12345);

void BM_ConsistencyProof1M(benchmark::State& state) {
  const NodeReader reader = BigTree().Reader(kTreeSize);
  const std::vector<uint64_t> sizes = RandomIndices(4096, kTreeSize);
  size_t i = 0;
  for (auto _ : state) {
    Result<std::vector<Hash>> proof = ConsistencyProof(sizes[i++ % sizes.size()] + 1, kTreeSize, reader);
    benchmark::DoNotOptimize(proof);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProof1M);

void BM_VerifyConsistency1M(benchmark::State& state) {
  const uint64_t size2 = kTreeSize - 12345;
  const NodeReader reader = BigTree().Reader(size2);
  const Hash root2 = *TreeRoot(size2, reader);
  std::vector<uint64_t> sizes1 = RandomIndices(256, size2);
  std::vector<Hash> roots1;
  std::vector<std::vector<Hash>> proofs;
  for (uint64_t& size1 : sizes1) {
    size1 += 1;
    roots1.push_back(*TreeRoot(size1, reader));
    proofs.push_back(*ConsistencyProof(size1, size2, reader));
  }
  size_t i = 0;
  for (auto _ : state) {
    const size_t k = i++ % sizes1.size();
    Status s = VerifyConsistency(sizes1[k], size2, proofs[k], roots1[k], root2);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyConsistency1M);

void BM_TreeRoot1M(benchmark::State& state) {
  const uint64_t size = kTreeSize - 12345;
  const NodeReader reader = BigTree().Reader(size);
  for (auto _ : state) benchmark::DoNotOptimize(TreeRoot(size, reader));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TreeRoot1M);

}  // namespace
}  // namespace lifeline::merkle
