# Installs libaudience, its public headers and a CMake package so that a host
# can `find_package(audience)` and link `audience::audience`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS audience EXPORT audienceTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/audience DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT audienceTargets NAMESPACE audience::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/audience)

configure_package_config_file(cmake/audienceConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/audienceConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/audience)
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/audienceConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/audienceConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/audienceConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/audience)
