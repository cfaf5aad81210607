#include "merkle/hash.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status_testing.h"

namespace lifeline::merkle {
namespace {

// MTH straight from RFC 6962 §2.1.
Hash NaiveMth(std::span<const Hash> leaves) {
  if (leaves.empty()) return crypto::Sha256("");
  if (leaves.size() == 1) return leaves[0];
  size_t k = 1;
  while (k * 2 < leaves.size()) k *= 2;
  return NodeHash(NaiveMth(leaves.subspan(0, k)), NaiveMth(leaves.subspan(k)));
}

std::vector<Hash> Leaves(size_t n) {
  std::vector<Hash> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(LeafHash(AsBytes("leaf " + std::to_string(i))));
  return leaves;
}

TEST(HashTest, EmptyRootIsSha256OfNothing) {
  EXPECT_EQ(HexEncode(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(RootFromLeafHashes({}), EmptyRoot());
}

TEST(HashTest, LeafHashKnownAnswers) {
  EXPECT_EQ(HexEncode(LeafHash({})), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  // RFC 6962 test data (transparency-dev/merkle): leaf hash of the byte 0x00.
  const uint8_t zero = 0;
  EXPECT_EQ(HexEncode(LeafHash(ByteSpan(&zero, 1))),
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
}

// The 8-leaf tree of the RFC 6962 test data: leaves "", 00, 10, 2021, 3031,
// 40414243, 5051525354555657, 606162636465666768696a6b6c6d6e6f; the roots of
// its first 1..8 leaves are published with it.
TEST(HashTest, Rfc6962TestTreeRoots) {
  const char* const kLeaves[] = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                 "606162636465666768696a6b6c6d6e6f"};
  const char* const kRoots[] = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  std::vector<Hash> leaves;
  for (const char* hex : kLeaves) {
    Result<std::string> bytes = HexDecode(hex);
    ASSERT_OK(bytes);
    leaves.push_back(LeafHash(AsBytes(*bytes)));
  }
  for (size_t n = 1; n <= leaves.size(); ++n) {
    EXPECT_EQ(HexEncode(RootFromLeafHashes(std::span<const Hash>(leaves).first(n))), kRoots[n - 1])
        << "size " << n;
  }
}

TEST(HashTest, RootFromLeafHashesEqualsNaiveRecursion) {
  const std::vector<Hash> leaves = Leaves(300);
  for (size_t n = 0; n <= leaves.size(); ++n) {
    std::span<const Hash> first = std::span<const Hash>(leaves).first(n);
    ASSERT_EQ(RootFromLeafHashes(first), NaiveMth(first)) << "size " << n;
  }
}

TEST(HashTest, NodeHashIsPrefixedConcatenation) {
  const Hash a = LeafHash(AsBytes("a"));
  const Hash b = LeafHash(AsBytes("b"));
  std::string buf(1, '\x01');
  buf += crypto::HashToString(a);
  buf += crypto::HashToString(b);
  EXPECT_EQ(NodeHash(a, b), crypto::Sha256(buf));
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
}

TEST(HashTest, SplitPoint) {
  EXPECT_EQ(SplitPoint(2), 1u);
  EXPECT_EQ(SplitPoint(3), 2u);
  EXPECT_EQ(SplitPoint(4), 2u);
  EXPECT_EQ(SplitPoint(5), 4u);
  EXPECT_EQ(SplitPoint(8), 4u);
  EXPECT_EQ(SplitPoint(9), 8u);
  EXPECT_EQ(SplitPoint(1000000), 524288u);
  EXPECT_EQ(SplitPoint(UINT64_MAX), uint64_t{1} << 63);
  EXPECT_EQ(SplitPoint(uint64_t{1} << 63), uint64_t{1} << 62);
}

TEST(HashDeathTest, SplitPointNeedsTwoLeaves) {
  EXPECT_DEATH(SplitPoint(1), "invariant violated");
  EXPECT_DEATH(SplitPoint(0), "invariant violated");
}

}  // namespace
}  // namespace lifeline::merkle
