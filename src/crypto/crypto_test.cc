#include <gtest/gtest.h>

#include "base/bytes.h"
#include "crypto/ed25519.h"
#include "crypto/md5.h"
#include "crypto/sha256.h"

namespace lifeline::crypto {
namespace {

TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 6962 leaf hash of the empty entry: SHA-256(0x00).
  EXPECT_EQ(HexEncode(Sha256WithPrefix(0, {})), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  Sha256Stream s;
  s.Update(AsBytes("a"));
  s.Update(AsBytes("bc"));
  EXPECT_EQ(s.Finish(), Sha256("abc"));
}

// RFC 1321's test suite.
TEST(Md5Test, Rfc1321KnownAnswers) {
  EXPECT_EQ(Md5Hex(AsBytes("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex(AsBytes("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Hex(AsBytes("message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
}

TEST(HmacSha256Test, Rfc4231TestCase2) {
  // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block (131 bytes of 0xaa) is hashed first: RFC 4231 §4.7.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Ed25519Test, Rfc8032TestVector1) {
  // RFC 8032 §7.1 TEST 1: empty message.
  auto seed_hex = HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  Ed25519Seed seed;
  std::copy(seed_hex->begin(), seed_hex->end(), seed.begin());
  auto key = Ed25519PrivateKey::FromSeed(seed);
  EXPECT_EQ(HexEncode(key.public_key()), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = key.Sign({});
  EXPECT_EQ(HexEncode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(Ed25519Verify(key.public_key(), {}, sig));
  sig[0] ^= 1;
  EXPECT_FALSE(Ed25519Verify(key.public_key(), {}, sig));
  EXPECT_EQ(key.seed(), seed);
}

TEST(ConstantTimeEqualsTest, ComparesBytesAndLengths) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace lifeline::crypto
