# The Debian package (CPack DEB): `cmake --build build --target package` makes
# build/pipeline-exporter_<version>_<arch>.deb from the build tree, without building again.
# What goes where is listed in README (Install the package); scripts/package-test.sh checks
# it. The install rules also serve `cmake --install build --prefix /usr`.

include(GNUInstallDirs)

set(PE_DATA_DIR ${CMAKE_INSTALL_DATADIR}/pipeline_exporter)
set(PE_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/pipeline-exporter)

install(TARGETS pipeline_exporter RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Absolute on purpose: Debian's unit and configuration directories, whatever the prefix.
install(FILES packaging/pipeline_exporter.service packaging/pipeline_exporter-prune.service
              packaging/pipeline_exporter-prune.timer DESTINATION /lib/systemd/system)
install(FILES packaging/deb/exporter.yml packaging/deb/env DESTINATION /etc/pipeline_exporter)
install(DIRECTORY migrations/ DESTINATION ${PE_DATA_DIR}/migrations)
install(DIRECTORY grafana/dashboards grafana/provisioning DESTINATION ${PE_DATA_DIR}/grafana)
install(FILES prometheus/prometheus.yml DESTINATION ${PE_DATA_DIR}/prometheus)
install(DIRECTORY prometheus/rules prometheus/tests DESTINATION ${PE_DATA_DIR}/prometheus)
install(FILES deploy/nginx/pipeline_exporter.conf DESTINATION ${PE_DATA_DIR}/nginx)

# Debian's documentation files: the copyright, the changelog and the README, compressed as
# policy wants (gzip -9n: no name or time stamp, so the package is reproducible).
find_program(PE_GZIP gzip REQUIRED)
set(PE_PACKAGING_OUT ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${PE_PACKAGING_OUT})
add_custom_command(
  OUTPUT ${PE_PACKAGING_OUT}/changelog.gz ${PE_PACKAGING_OUT}/README.md.gz
  COMMAND ${PE_GZIP} -9nc ${CMAKE_SOURCE_DIR}/packaging/deb/changelog > changelog.gz
  COMMAND ${PE_GZIP} -9nc ${CMAKE_SOURCE_DIR}/README.md > README.md.gz
  DEPENDS packaging/deb/changelog README.md
  WORKING_DIRECTORY ${PE_PACKAGING_OUT}
  VERBATIM)
set(PE_PACKAGING_FILES ${PE_PACKAGING_OUT}/changelog.gz ${PE_PACKAGING_OUT}/README.md.gz)

# The man page, from the binary's own --help and --version (help2man).
find_program(PE_HELP2MAN help2man)
if(PE_HELP2MAN)
  add_custom_command(
    OUTPUT ${PE_PACKAGING_OUT}/pipeline_exporter.1.gz
    COMMAND ${PE_HELP2MAN} --no-info --section=1 --source=pipeline_exporter
            "--version-string=${PROJECT_VERSION}"
            "--name=Prometheus exporter, live page and API for a pipeline event log"
            --output=pipeline_exporter.1 $<TARGET_FILE:pipeline_exporter>
    COMMAND ${PE_GZIP} -9nf pipeline_exporter.1
    DEPENDS pipeline_exporter
    WORKING_DIRECTORY ${PE_PACKAGING_OUT}
    VERBATIM)
  list(APPEND PE_PACKAGING_FILES ${PE_PACKAGING_OUT}/pipeline_exporter.1.gz)
  install(FILES ${PE_PACKAGING_OUT}/pipeline_exporter.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: the package will have no man page (apt install help2man)")
endif()
add_custom_target(packaging_files ALL DEPENDS ${PE_PACKAGING_FILES})
install(FILES packaging/deb/copyright ${PE_PACKAGING_OUT}/changelog.gz
              ${PE_PACKAGING_OUT}/README.md.gz DESTINATION ${PE_DOC_DIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pipeline-exporter)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The pipeline_exporter authors")
set(CPACK_PACKAGE_CONTACT "pipeline_exporter maintainers <maintainers@pipeline-exporter.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Prometheus exporter, live page and API for a pipeline event log")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "pipeline_exporter tails the SQL table (SQLite, MySQL/MariaDB or PostgreSQL)
into which batch pipelines write one row per stage event, folds it into
per-batch and per-stage state, and serves that state as Prometheus metrics
(with OpenMetrics exemplars), a live page with an event stream, an event log
and a payload viewer, batch control and a JSON API.

The package ships the systemd unit, a default configuration on SQLite, the
database migrations, Grafana dashboards, Prometheus configuration and rules,
and an nginx example under /usr/share/pipeline_exporter.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/pipeline-exporter/pipeline_exporter")
# The shared libraries the binary links, from dpkg-shlibdeps; SOCI's database backends are
# opened by name at run time (dlopen), which that tool cannot see: SQLite's is needed by the
# default configuration, the others by the databases a user may choose.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libsoci-sqlite3-4.0")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libsoci-mysql4.0, libsoci-postgresql4.0")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus, prometheus-alertmanager")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/deb/conffiles ${CMAKE_SOURCE_DIR}/packaging/deb/postinst
    ${CMAKE_SOURCE_DIR}/packaging/deb/prerm ${CMAKE_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
# Only the install rules above (not the test or benchmark targets' files).
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};ALL;/")
include(CPack)
