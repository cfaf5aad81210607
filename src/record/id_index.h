// A compact set of record ids with a small code and a group per id, for
// imports of tens of millions of records: ids are kept as 64-bit hashes in
// one open-addressed table (11 bytes a slot, at most 3/4 full), not as
// strings or nodes.
//
// A hash collision makes two ids look equal; with n ids the chance of any is
// about n^2 / 2^65 (3e-6 at 10 million). Callers confirm a hit against the
// store where a false match would matter.
#ifndef LIFELINE_RECORD_ID_INDEX_H_
#define LIFELINE_RECORD_ID_INDEX_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace lifeline::record {

class IdIndex {
 public:
  static uint64_t Hash(std::string_view id) {
    uint64_t h = std::hash<std::string_view>{}(id) * 0x9E3779B97F4A7C15ull ^ id.size();
    return h == 0 ? 1 : h;  // 0 marks an empty slot
  }

  // Sets the code and group of `id`'s hash, adding it if new.
  void Put(uint64_t hash, uint8_t code, uint16_t group = 0) {
    if ((size_ + 1) * 4 > keys_.size() * 3) Grow();
    size_t i = Find(hash);
    if (keys_[i] == 0) {
      keys_[i] = hash;
      ++size_;
    }
    codes_[i] = code;
    groups_[i] = group;
  }

  std::optional<uint8_t> Get(uint64_t hash) const {
    if (keys_.empty()) return std::nullopt;
    size_t i = Find(hash);
    if (keys_[i] == 0) return std::nullopt;
    return codes_[i];
  }

  // The group Put with the hash, or nullopt when absent.
  std::optional<uint16_t> Group(uint64_t hash) const {
    if (keys_.empty()) return std::nullopt;
    size_t i = Find(hash);
    if (keys_[i] == 0) return std::nullopt;
    return groups_[i];
  }

  size_t size() const { return size_; }

 private:
  // The slot holding `hash`, or the empty slot where it would go.
  size_t Find(uint64_t hash) const {
    const size_t mask = keys_.size() - 1;
    size_t i = static_cast<size_t>(hash >> 17) & mask;
    while (keys_[i] != 0 && keys_[i] != hash) i = (i + 1) & mask;
    return i;
  }

  void Grow() {
    std::vector<uint64_t> old_keys(keys_.empty() ? 1024 : keys_.size() * 2, 0);
    std::vector<uint8_t> old_codes(old_keys.size(), 0);
    std::vector<uint16_t> old_groups(old_keys.size(), 0);
    old_keys.swap(keys_);
    old_codes.swap(codes_);
    old_groups.swap(groups_);
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] == 0) continue;
      size_t j = Find(old_keys[i]);
      keys_[j] = old_keys[i];
      codes_[j] = old_codes[i];
      groups_[j] = old_groups[i];
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<uint8_t> codes_;
  std::vector<uint16_t> groups_;
  size_t size_ = 0;
};

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_ID_INDEX_H_
