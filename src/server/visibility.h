// Who may read which case: the one place the server decides it (the privacy
// model of docs/api.md, "Who sees what").
//
// A case is the unit of privacy. Any valid token reads every case; an
// anonymous caller reads a case only while every current case record of it
// says "public": true (fail closed: a case whose case record was retracted,
// or that has a current record saying otherwise, is not public). Records
// refer only to records of their own case (store.h SameCase), so whoever may
// read a record may read everything shown with it: its sources, claims,
// history and corroboration are all of its case.
#ifndef LIFELINE_SERVER_VISIBILITY_H_
#define LIFELINE_SERVER_VISIBILITY_H_

#include <set>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace lifeline::server {

class CaseVisibility {
 public:
  // Every case (a caller with a valid token).
  static CaseVisibility Everything();
  // The public cases of the store as it is now (an anonymous caller).
  static Result<CaseVisibility> PublicOnly(store::LogStore& st);

  bool CanRead(const std::string& case_id) const { return everything_ || readable_.count(case_id) > 0; }
  // True when the log holds records of a case this caller may not read
  // (then the log's entry bundles would show them: see Server).
  bool HidesSome() const { return hides_some_; }

 private:
  bool everything_ = false;
  bool hides_some_ = false;
  std::set<std::string> readable_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_VISIBILITY_H_
