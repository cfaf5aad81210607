#include "analysis/movement_parse.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "base/kinds.h"
#include "record/schema.h"
#include "record/values.h"

namespace lifeline::analysis {
namespace {

using nlohmann::json;

// The top-level members the fast reader takes; a second one of any of them
// sends the record to the DOM path.
enum Member : uint32_t {
  kId = 1u << 0, kKind = 1u << 1, kDate = 1u << 2, kRoute = 1u << 3, kOperator = 1u << 4,
  kDirection = 1u << 5, kOutcome = 1u << 6, kQualifier = 1u << 7, kReportedBy = 1u << 8,
  kVehicles = 1u << 9, kPersons = 1u << 10, kPatients = 1u << 11, kPeriod = 1u << 12, kCargo = 1u << 13,
  kRecorded = 1u << 14, kSources = 1u << 15, kOther = 1u << 31,
};

Member MemberOf(std::string_view k) {
  static constexpr std::pair<std::string_view, Member> kMembers[] = {
      {"id", kId}, {"kind", kKind}, {"date", kDate}, {"route", kRoute}, {"operator", kOperator},
      {"direction", kDirection}, {"outcome", kOutcome}, {"qualifier", kQualifier}, {"reported_by", kReportedBy},
      {"vehicles", kVehicles}, {"persons", kPersons}, {"patients", kPatients}, {"period", kPeriod},
      {"cargo", kCargo}, {"recorded", kRecorded}, {"sources", kSources},
  };
  for (const auto& [name, m] : kMembers) {
    if (name == k) return m;
  }
  return kOther;
}

// Where the parser is: the body, the cargo array, a cargo line, the period,
// the sources, or anything else (skipped, but its strings still count as
// dates).
enum class Frame : uint8_t { kBody, kCargo, kLine, kPeriod, kSources, kSkipped };

// Fills a MovementFields from SAX events. Every callback returns false (ends
// the parse) as soon as the body is one the DOM path must read.
class MovementSax : public nlohmann::json_sax<json> {
 public:
  // keep_sources: fill `sources` (the report's reader); the loader skips them.
  explicit MovementSax(bool keep_sources) : keep_sources_(keep_sources) {}

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t v) override { return Number(static_cast<double>(v), v, true); }
  bool number_unsigned(number_unsigned_t v) override {
    return Number(static_cast<double>(v), static_cast<int64_t>(v), true);
  }
  bool number_float(number_float_t v, const string_t&) override { return Number(v, 0, false); }
  bool string(string_t& s) override;
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override;
  bool end_object() override;
  bool start_array(std::size_t) override;
  bool end_array() override {
    frames_.pop_back();
    return true;
  }
  bool key(string_t& k) override;
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

  // After a parse that returned true: the fields, if the body was a plain
  // movement with all its dates inside the window of `profile`.
  std::optional<MovementFields> Finish(const json& profile);

 private:
  // A null, a boolean or a number where no field is read: skipped.
  bool Scalar() const {
    return !frames_.empty() && (frames_.back() == Frame::kSkipped || frames_.back() == Frame::kSources ||
                                (frames_.back() == Frame::kBody && member_ == kOther));
  }
  bool Number(double d, int64_t i, bool integer);
  bool BodyString(std::string& s);
  // Widens [earliest_, latest_] by `s` if it reads as a date.
  void DateLike(std::string_view s);

  const bool keep_sources_;
  MovementFields m_;
  std::vector<Frame> frames_;
  Member member_ = kOther;      // the body's member whose value comes next
  std::string line_key_;        // the cargo line's or the period's member
  uint32_t seen_ = 0;           // Members seen
  std::string kind_, unit_;
  std::optional<double> quantity_;
  bool have_from_ = false, have_to_ = false;
  int64_t recorded_ = 0;
  bool have_recorded_ = false;
  record::Day earliest_{std::numeric_limits<int64_t>::max()}, latest_{std::numeric_limits<int64_t>::min()};
};

void MovementSax::DateLike(std::string_view s) {
  if (std::optional<record::Day> d = record::DateLikeDay(s)) {
    earliest_ = std::min(earliest_, *d);
    latest_ = std::max(latest_, *d);
  }
}

bool MovementSax::string(string_t& s) {
  if (frames_.empty()) return false;
  DateLike(s);
  switch (frames_.back()) {
    case Frame::kSkipped: return true;
    case Frame::kSources:
      if (keep_sources_) m_.sources.push_back(std::move(s));
      return true;
    case Frame::kBody: return BodyString(s);
    case Frame::kCargo: return false;
    case Frame::kLine:
      if (line_key_ == "commodity") m_.cargo.back().commodity = std::move(s);
      if (line_key_ == "unit") unit_ = std::move(s);
      return line_key_ != "quantity";
    case Frame::kPeriod: {
      auto d = record::ParseDate(s);
      if (!d.ok() || (line_key_ != "from" && line_key_ != "to")) return d.ok();
      (line_key_ == "from" ? m_.period_from : m_.period_to) = static_cast<int32_t>(d->days);
      (line_key_ == "from" ? have_from_ : have_to_) = true;
      return true;
    }
  }
  return false;
}

bool MovementSax::BodyString(std::string& s) {
  switch (member_) {
    case kId: m_.id = std::move(s); return true;
    case kKind: kind_ = std::move(s); return true;
    case kRoute: m_.route = std::move(s); return true;
    case kOperator: m_.op = std::move(s); return true;
    case kReportedBy: m_.reported_by = std::move(s); return true;
    case kDirection:
      m_.direction = s == "out" ? Direction::kOut : s == "both" ? Direction::kBoth : Direction::kIn;
      return true;
    case kOutcome:
      // The core only: a case's own term is classed on the DOM path, which
      // knows the case record (MovementFromJson).
      m_.outcome_term = s == "departed" ? "departed" : "";
      m_.outcome = s == "stopped" ? Outcome::kStopped : s == "turned_back" ? Outcome::kTurnedBack : Outcome::kCompleted;
      return s == "completed" || s == "stopped" || s == "turned_back" || s == "departed";
    case kQualifier:
      m_.qualifier = s == "at_least" ? Qualifier::kAtLeast
                     : s == "about"  ? Qualifier::kAbout
                     : s == "at_most" ? Qualifier::kAtMost
                                      : Qualifier::kAsStated;
      return true;
    case kDate: {
      auto d = record::ParseDate(s);
      m_.day = d.ok() ? static_cast<int32_t>(d->days) : kNoDay;
      return d.ok();
    }
    case kRecorded: {
      auto t = record::ParseDateTime(s);
      have_recorded_ = t.ok();
      recorded_ = t.ok() ? *t : 0;
      return true;
    }
    case kOther: return true;
    default: return false;  // a figure, the period or the cargo as a string
  }
}

bool MovementSax::Number(double d, int64_t i, bool integer) {
  if (frames_.empty()) return false;
  if (frames_.back() == Frame::kLine) {
    if (line_key_ == "quantity") quantity_ = d;
    return line_key_ != "commodity" && line_key_ != "unit";
  }
  if (frames_.back() != Frame::kBody || member_ == kOther) return Scalar();
  int64_t* figure = member_ == kVehicles ? &m_.vehicles : member_ == kPersons ? &m_.persons
                    : member_ == kPatients ? &m_.patients : nullptr;
  if (figure == nullptr) return false;
  *figure = integer ? i : 0;
  return true;
}

bool MovementSax::key(string_t& k) {
  if (frames_.back() != Frame::kBody) {
    line_key_ = std::move(k);
    return true;
  }
  member_ = MemberOf(k);
  if (member_ != kOther && (seen_ & member_)) return false;
  seen_ |= member_;
  return true;
}

bool MovementSax::start_object(std::size_t) {
  if (frames_.empty()) {
    frames_.push_back(Frame::kBody);
    return true;
  }
  const Frame parent = frames_.back();
  if (parent == Frame::kCargo) {
    m_.cargo.emplace_back();
    unit_.clear();
    quantity_.reset();
    frames_.push_back(Frame::kLine);
    return true;
  }
  if (parent == Frame::kBody && member_ == kPeriod) {
    frames_.push_back(Frame::kPeriod);
    return true;
  }
  frames_.push_back(Frame::kSkipped);
  return parent != Frame::kBody || member_ == kOther;
}

bool MovementSax::end_object() {
  const Frame f = frames_.back();
  frames_.pop_back();
  if (f == Frame::kPeriod) return have_from_ && have_to_;
  if (f != Frame::kLine) return true;
  auto info = record::LookupUnit(unit_);
  if (!info || !quantity_) return false;
  m_.cargo.back().quantity = *quantity_ * info->factor;
  m_.cargo.back().unit = info->canonical;
  return true;
}

bool MovementSax::start_array(std::size_t) {
  if (frames_.empty()) return false;
  const Frame parent = frames_.back();
  if (parent == Frame::kBody && (member_ == kCargo || member_ == kSources)) {
    frames_.push_back(member_ == kCargo ? Frame::kCargo : Frame::kSources);
    return true;
  }
  frames_.push_back(Frame::kSkipped);
  return parent == Frame::kSkipped || parent == Frame::kSources || (parent == Frame::kBody && member_ == kOther);
}

std::optional<MovementFields> MovementSax::Finish(const json& profile) {
  if (kind_ != kinds::kMovement || !(seen_ & kId) || !(seen_ & kDate)) return std::nullopt;
  const record::Day reference = record::ReferenceDay(have_recorded_ ? std::optional<int64_t>(recorded_) : std::nullopt);
  const record::DateWindow w = record::PlausibleDates(profile.is_object() ? &profile : nullptr, reference);
  if (earliest_ < w.from || w.until < latest_) return std::nullopt;
  m_.given = static_cast<uint8_t>(((seen_ & kVehicles) ? kMeasureVehicles : 0) |
                                  ((seen_ & kPersons) ? kMeasurePersons : 0) |
                                  ((seen_ & kPatients) ? kMeasurePatients : 0) |
                                  (m_.cargo.empty() ? 0 : kMeasureCargo));
  return std::move(m_);
}

// Feeds a MovementSax the events nlohmann's parser would for the JSON the
// log stores (canonical bodies: no whitespace, few escapes), without that
// parser's character-at-a-time input adapter and token buffer. It reads a
// strict subset of JSON and answers kUnsupported for anything else (white
// space, an escape, a control byte or malformed UTF-8 in a string, a number
// that does not fit, deep nesting, bytes after the value, any syntax
// error); nlohmann's parser then reads the body from the start, so every
// body gets that parser's verdict. Within the subset the events are the
// same: integers without a fraction or exponent are number_unsigned, or
// number_integer with a minus, others number_float, correctly rounded as
// nlohmann's strtod gives them.
class CanonicalScanner {
 public:
  enum class Verdict { kAccepted, kRefused, kUnsupported };

  CanonicalScanner(std::string_view text, MovementSax& sax)
      : p_(text.data()), end_(text.data() + text.size()), sax_(sax) {}

  Verdict Run() {
    const Verdict o = Value(0);
    return o == Verdict::kAccepted && p_ != end_ ? Verdict::kUnsupported : o;
  }

 private:
  static constexpr int kMaxDepth = 64;
  static constexpr std::size_t kUnknownSize = static_cast<std::size_t>(-1);  // as nlohmann's SAX parser says

  static Verdict Of(bool sax_went_on) { return sax_went_on ? Verdict::kAccepted : Verdict::kRefused; }

  Verdict Value(int depth) {
    if (p_ == end_ || depth > kMaxDepth) return Verdict::kUnsupported;
    switch (*p_) {
      case '{': return Object(depth + 1);
      case '[': return Array(depth + 1);
      case '"': return ReadString() ? Of(sax_.string(text_)) : Verdict::kUnsupported;
      case 't': return Word("true") ? Of(sax_.boolean(true)) : Verdict::kUnsupported;
      case 'f': return Word("false") ? Of(sax_.boolean(false)) : Verdict::kUnsupported;
      case 'n': return Word("null") ? Of(sax_.null()) : Verdict::kUnsupported;
      default: return Number();
    }
  }

  Verdict Object(int depth) {
    ++p_;
    if (!sax_.start_object(kUnknownSize)) return Verdict::kRefused;
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return Of(sax_.end_object());
    }
    for (;;) {
      if (p_ == end_ || *p_ != '"' || !ReadString()) return Verdict::kUnsupported;
      if (p_ == end_ || *p_++ != ':') return Verdict::kUnsupported;
      if (!sax_.key(text_)) return Verdict::kRefused;
      if (Verdict o = Value(depth); o != Verdict::kAccepted) return o;
      if (p_ == end_) return Verdict::kUnsupported;
      const char c = *p_++;
      if (c == '}') return Of(sax_.end_object());
      if (c != ',') return Verdict::kUnsupported;
    }
  }

  Verdict Array(int depth) {
    ++p_;
    if (!sax_.start_array(kUnknownSize)) return Verdict::kRefused;
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return Of(sax_.end_array());
    }
    for (;;) {
      if (Verdict o = Value(depth); o != Verdict::kAccepted) return o;
      if (p_ == end_) return Verdict::kUnsupported;
      const char c = *p_++;
      if (c == ']') return Of(sax_.end_array());
      if (c != ',') return Verdict::kUnsupported;
    }
  }

  bool Word(std::string_view w) {
    if (static_cast<std::size_t>(end_ - p_) < w.size() || std::string_view(p_, w.size()) != w) return false;
    p_ += w.size();
    return true;
  }

  // The string at p_ (its opening quote) into text_; false for an escape, a
  // control byte, malformed UTF-8 (Unicode's table 3-7, as nlohmann checks
  // it) or no closing quote.
  bool ReadString() {
    const char* const begin = ++p_;
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        text_.assign(begin, p_);
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      if (c < 0x80) {
        ++p_;
      } else if (!Utf8Sequence()) {
        return false;
      }
    }
    return false;
  }

  bool Utf8Sequence() {
    const auto lead = static_cast<unsigned char>(*p_);
    unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
    int tail = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      tail = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      tail = 2;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      tail = 3;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (end_ - p_ <= tail) return false;
    for (int i = 1; i <= tail; ++i) {
      const auto b = static_cast<unsigned char>(p_[i]);
      if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return false;
    }
    p_ += tail + 1;
    return true;
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  Verdict Number() {
    const char* const begin = p_;
    const bool negative = p_ != end_ && *p_ == '-';
    if (negative) ++p_;
    const char* const digits = p_;
    if (p_ == end_ || !IsDigit(*p_)) return Verdict::kUnsupported;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    const char* const int_end = p_;
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      integer = false;
      if (++p_ == end_ || !IsDigit(*p_)) return Verdict::kUnsupported;
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return Verdict::kUnsupported;
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    if (integer) {
      if (int_end - digits > 18) return Verdict::kUnsupported;  // may not fit: nlohmann decides
      uint64_t v = 0;
      for (const char* d = digits; d != int_end; ++d) v = v * 10 + static_cast<uint64_t>(*d - '0');
      return negative ? Of(sax_.number_integer(-static_cast<int64_t>(v))) : Of(sax_.number_unsigned(v));
    }
    double d = 0;
    const auto [end, ec] = std::from_chars(begin, p_, d);
    if (ec != std::errc() || end != p_) return Verdict::kUnsupported;  // out of range: nlohmann decides
    text_.assign(begin, p_);
    return Of(sax_.number_float(d, text_));
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  const char* p_;
  const char* const end_;
  MovementSax& sax_;
  std::string text_;  // the last string or number read
};

}  // namespace

std::optional<MovementFields> ParseMovementFast(std::string_view body, const json& profile, bool with_sources) {
  MovementSax sax(with_sources);
  switch (CanonicalScanner(body, sax).Run()) {
    case CanonicalScanner::Verdict::kAccepted: return sax.Finish(profile);
    case CanonicalScanner::Verdict::kRefused: return std::nullopt;
    case CanonicalScanner::Verdict::kUnsupported: break;
  }
  return ParseMovementSax(body, profile, with_sources);
}

std::optional<MovementFields> ParseMovementSax(std::string_view body, const json& profile, bool with_sources) {
  MovementSax sax(with_sources);
  if (!json::sax_parse(body, &sax)) return std::nullopt;
  return sax.Finish(profile);
}

}  // namespace lifeline::analysis
