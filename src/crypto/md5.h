// MD5, for the one place a protocol asks for it: the OpenRosa Form List's
// `hash` ("md5:<hex>"), which clients compare to know a form changed. Never
// for anything that must resist an adversary.
#ifndef LIFELINE_CRYPTO_MD5_H_
#define LIFELINE_CRYPTO_MD5_H_

#include <string>

#include "base/bytes.h"

namespace lifeline::crypto {

// 32 lowercase hex digits.
std::string Md5Hex(ByteSpan data);

}  // namespace lifeline::crypto

#endif  // LIFELINE_CRYPTO_MD5_H_
