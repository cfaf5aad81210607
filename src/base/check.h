// LIFELINE_CHECK: invariants whose violation means a bug or a store that must
// not be written further (e.g. a checkpoint that would shrink the log). It
// aborts with file, line and message, in every build type: a transparency log
// must never sign a state it has not proven consistent.
#ifndef LIFELINE_BASE_CHECK_H_
#define LIFELINE_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define LIFELINE_CHECK(cond, msg)                                           \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "%s:%d: invariant violated: %s (%s)\n", __FILE__, \
                   __LINE__, #cond, msg);                                   \
      std::abort();                                                         \
    }                                                                       \
  } while (0)

#endif  // LIFELINE_BASE_CHECK_H_
