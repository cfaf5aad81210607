// A read-only LogStore over a static C2SP tlog-tiles directory (what
// `lifeline log export-tiles` writes, or a mirror of any tiles log), so that
// the same verification code checks a published copy as checks the store.
//
// The directory's `checkpoint` file is its only checkpoint. Tiles are read at
// the width that size implies: tile/<L>/<N> when full, tile/<L>/<N>.p/<W>
// otherwise. Apply is refused.
#ifndef LIFELINE_STORE_TILES_DIR_TILES_DIR_STORE_H_
#define LIFELINE_STORE_TILES_DIR_TILES_DIR_STORE_H_

#include <memory>
#include <string>

#include "store/store.h"

namespace lifeline::store {

class TilesDirStore : public LogStore {
 public:
  // `size` is the tree size of the directory's checkpoint (the caller parses
  // and verifies the checkpoint; this store only reads files).
  TilesDirStore(std::string dir, uint64_t size, std::string checkpoint_note);

  Result<StoredCheckpoint> LatestCheckpoint() override;
  Result<TileData> ReadTile(uint32_t level, uint64_t index) override;
  Status ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) override;
  Result<StoredCheckpoint> CheckpointAt(uint64_t size) override;
  Status Apply(const Commit& commit) override;
  Result<std::string> GetMeta(const std::string& key) override;
  // A tiles directory holds no projection: these fail with FailedPrecondition.
  Result<RecordRow> FindRecord(const std::string& id) override;
  Status ForEachReferrer(const std::string& id, const std::function<Status(const RecordRow&)>& fn) override;
  Status ForEachIdAndKind(const std::function<Status(const std::string&, const std::string&, const std::string&)>& fn) override;
  Status RebuildRecords(const RecordBatches& next) override;

 protected:
  Status ScanRecords(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) override;
  Status ForEachReplacingRecord(const std::vector<std::string>& ids,
                                const std::function<Status(const RecordRow&)>& fn) override;

 private:
  std::string dir_;
  uint64_t size_;
  std::string note_;
};

}  // namespace lifeline::store

#endif  // LIFELINE_STORE_TILES_DIR_TILES_DIR_STORE_H_
