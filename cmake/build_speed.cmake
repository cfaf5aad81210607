# Compile time: a clean build compiles ~220 translation units, and CI
# (.ci/run) compiles them twice (make test, make asan). Measurements are in
# BENCHMARKS.md, "Build and CI time".
#
# Precompiled headers (GCC, the sanitizer build): the standard and
# nlohmann/json headers that most translation units include, parsed once into
# lifeline_pch, whose header every library reuses; the tests'
# lifeline_test_pch adds GoogleTest. A reusing target must be compiled with
# the same flags as the carrier (GCC rejects a precompiled header made with
# other options, and CMake's -Winvalid-pch with -Werror turns that into an
# error, never a silent fallback). Extra -D definitions are fine as long as
# these headers do not read them.
#
# Off by default elsewhere: in the RelWithDebInfo build (-O2) with these
# precompiled headers, GCC 12 reports -Warray-bounds inside libstdc++'s
# std::string concatenation, inlined into src/tabular/csv_test.cc, which it
# keeps quiet without them (and a hand-made header of fewer of them); with
# -Werror that fails the build. Why is not known yet. Off for clang (the fuzz
# build), whose precompiled headers reject any difference in definitions.
option(LIFELINE_PCH "Precompiled headers for the common standard and JSON headers (GCC)"
       ${LIFELINE_SANITIZE})

set(LIFELINE_PCH_HEADERS
  <algorithm> <array> <chrono> <cstddef> <cstdint> <cstdio> <cstdlib> <filesystem>
  <fstream> <functional> <map> <memory> <mutex> <optional> <set> <sstream>
  <string> <string_view> <thread> <utility> <vector>
  <nlohmann/json.hpp>)

if(LIFELINE_PCH AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_library(lifeline_pch OBJECT ${CMAKE_CURRENT_LIST_DIR}/pch.cc)
  target_link_libraries(lifeline_pch PRIVATE nlohmann_json::nlohmann_json)
  target_precompile_headers(lifeline_pch PRIVATE ${LIFELINE_PCH_HEADERS})
  if(LIFELINE_TESTS)
    add_library(lifeline_test_pch OBJECT ${CMAKE_CURRENT_LIST_DIR}/pch.cc)
    target_link_libraries(lifeline_test_pch PRIVATE nlohmann_json::nlohmann_json GTest::gtest)
    target_precompile_headers(lifeline_test_pch PRIVATE ${LIFELINE_PCH_HEADERS} <gtest/gtest.h>)
  endif()
endif()

# Unity builds (GCC, the sanitizer build): CMake compiles each target's
# sources eight at a time as one translation unit, so what they share (the
# code generated for nlohmann::json, std containers and GoogleTest
# instantiated in each of them, and their debug information) is compiled
# once per batch. It cuts the sanitizer build's compiling by about a third
# (BENCHMARKS.md, "Build and CI time"). The cost is that a source's
# anonymous namespace is shared with the others of its batch: two helpers
# of one name in one target collide, so each needs a name of its own (or,
# for a helper two sources share, one definition in a header). The
# RelWithDebInfo build stays one source per translation unit, so it keeps
# checking that each source includes what it uses.
# -Wno-subobject-linkage: a class a .cc file defines, holding a member of a
# type from its own anonymous namespace, would be taken for a header's.
option(LIFELINE_UNITY "Compile each target's sources in batches (CMake unity build; GCC)" ${LIFELINE_SANITIZE})
if(LIFELINE_UNITY AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(CMAKE_UNITY_BUILD ON)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
  add_compile_options(-Wno-subobject-linkage)
endif()

# lifeline_use_pch(TARGET CARRIER): TARGET reuses CARRIER's precompiled
# header, when there is one.
function(lifeline_use_pch target carrier)
  if(TARGET ${carrier})
    target_precompile_headers(${target} REUSE_FROM ${carrier})
  endif()
endfunction()

# lifeline_test_optimization(TARGET): a test binary's own sources at -O1 in
# the optimized builds (RelWithDebInfo, Release), where the libraries they
# test stay at -O2/-O3. Test code is a third of a clean build's compiling and
# most of it is code generation (GoogleTest and rapidcheck expansions run
# once), which -O1 makes about a third cheaper (BENCHMARKS.md, "Build and CI
# time"). The code under test is compiled as shipped; only the tests' own
# frames are less optimized. The sanitizer build already compiles
# everything at -Og.
function(lifeline_test_optimization target)
  if(NOT LIFELINE_SANITIZE AND CMAKE_BUILD_TYPE MATCHES "^(RelWithDebInfo|Release)$")
    target_compile_options(${target} PRIVATE -O1)
  endif()
endfunction()
