#include "crypto/md5.h"

#include <openssl/evp.h>

#include <array>

namespace lifeline::crypto {

std::string Md5Hex(ByteSpan data) {
  std::array<uint8_t, 16> digest{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_md5(), nullptr);
  return HexEncode(ByteSpan(digest.data(), len));
}

}  // namespace lifeline::crypto
