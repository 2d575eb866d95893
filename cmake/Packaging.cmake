# Installing (cmake --install) and the Debian package (cpack -G DEB, see docs/packaging.md): the
# two programs, their man pages and the docs. The package's dependencies are read off the
# binaries by dpkg-shlibdeps, so they are exactly the runtime libraries linked.
include(GNUInstallDirs)

install(TARGETS oxen-mock oxen-conformance RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")

# Debian installs man pages compressed.
find_program(OXEN_GZIP gzip REQUIRED)
foreach(page oxen-mock.1 oxen-conformance.1)
  set(source "${PROJECT_SOURCE_DIR}/docs/man/${page}")
  set(compressed "${PROJECT_BINARY_DIR}/man/${page}.gz")
  add_custom_command(OUTPUT "${compressed}"
                     COMMAND "${CMAKE_COMMAND}" -E make_directory "${PROJECT_BINARY_DIR}/man"
                     COMMAND "${OXEN_GZIP}" -9nc "${source}" > "${compressed}"
                     DEPENDS "${source}" VERBATIM)
  list(APPEND oxen_man_pages "${compressed}")
endforeach()
add_custom_target(oxen_man_pages ALL DEPENDS ${oxen_man_pages})
install(FILES ${oxen_man_pages} DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

install(FILES README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(DIRECTORY docs/ DESTINATION "${CMAKE_INSTALL_DOCDIR}" FILES_MATCHING PATTERN "*.md")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME oxen-mock)
set(CPACK_PACKAGE_VENDOR "oxen-mock")
set(CPACK_PACKAGE_CONTACT "oxen-mock maintainers <oxen-mock@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "oxen-mock serves every documented endpoint of the Oxen.ai Inference API on loopback, with the
documented error bodies, deterministic output from a seed and a clock tests can drive.
oxen-conformance checks a server or a client against the documented contract.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # oxen-mock_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
