// The one source of the precompiled-header carriers (cmake/build_speed.cmake):
// CMake builds a target's precompiled header only for a target with sources.
