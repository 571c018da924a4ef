# install.cmake - what `cmake --install` puts under the prefix:
#   bin/ripple                         the command line
#   lib/libripple.so.N, libripple.a     the library, shared and static
#   include/ripple/*.h                 its public headers
#   lib/pkgconfig/ripple.pc            for pkg-config
#   lib/cmake/ripple/                  for find_package(ripple): ripple::ripple
#                                      (shared) and ripple::ripple_static
#   share/ripple/schema/               the scenario format's JSON Schema
#   share/man/man1/ripple.1, man5/ripple-scenario.5
#   share/bash-completion/completions/ripple
include(CMakePackageConfigHelpers)

install(TARGETS ripple_cli
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ripple ripple_static EXPORT rippleTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ripple
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")

install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/schema/ripple-scenario.schema.json
  DESTINATION ${CMAKE_INSTALL_DATADIR}/ripple/schema)

install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/docs/man/ripple.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/docs/man/ripple-scenario.5
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
# bash-completion loads completions/NAME on first use of NAME.
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/completion/ripple.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME ripple)

set(RP_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/ripple)
install(EXPORT rippleTargets NAMESPACE ripple:: FILE ripple-targets.cmake
  DESTINATION ${RP_CMAKEDIR})
configure_package_config_file(
  ${CMAKE_CURRENT_SOURCE_DIR}/cmake/ripple-config.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/ripple-config.cmake
  INSTALL_DESTINATION ${RP_CMAKEDIR})
# 0.x: a new minor version may break the API, so only the same minor matches.
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/ripple-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ripple-config.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/ripple-config-version.cmake
  DESTINATION ${RP_CMAKEDIR})

# pkg-config: paths relative to ${prefix}, so a relocated tree still works.
set(RP_PC_LIBDIR ${CMAKE_INSTALL_LIBDIR})
set(RP_PC_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
if(IS_ABSOLUTE "${RP_PC_LIBDIR}")
  file(RELATIVE_PATH RP_PC_LIBDIR ${CMAKE_INSTALL_PREFIX} ${RP_PC_LIBDIR})
endif()
if(IS_ABSOLUTE "${RP_PC_INCLUDEDIR}")
  file(RELATIVE_PATH RP_PC_INCLUDEDIR ${CMAKE_INSTALL_PREFIX} ${RP_PC_INCLUDEDIR})
endif()
# From lib/pkgconfig (or lib/<arch>/pkgconfig) up to the prefix.
file(RELATIVE_PATH RP_PC_UP ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
  ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" RP_PC_UP "${RP_PC_UP}")
set(RP_PC_OPENMP "${OpenMP_C_FLAGS}")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/ripple.pc.in
  ${CMAKE_CURRENT_BINARY_DIR}/ripple.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ripple.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
