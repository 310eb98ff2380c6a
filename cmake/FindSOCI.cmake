# Debian's libsoci-dev ships neither a CMake config nor a pkg-config file, so the
# headers and libraries are found here and wrapped in imported targets:
#   SOCI::core     — the SOCI core library (backends are loaded by name at run time:
#                    "sqlite3://", "mysql://", "postgresql://");
#   SOCI::sqlite3  — the SQLite backend with sqlite3 itself, for direct use of its handle.
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)
find_library(SOCI_SQLITE3_LIBRARY NAMES soci_sqlite3)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI REQUIRED_VARS SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY
                                  SOCI_SQLITE3_LIBRARY)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  # SOCI's headers include Boost.Fusion (soci/bind-values.h).
  find_package(Boost REQUIRED)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "Boost::headers;${CMAKE_DL_LIBS}")
  # The SQLite backend, linked for its native handle (the fast tail path); the other
  # backends are loaded by name at run time.
  find_package(SQLite3 REQUIRED)
  add_library(SOCI::sqlite3 UNKNOWN IMPORTED)
  set_target_properties(SOCI::sqlite3 PROPERTIES
    IMPORTED_LOCATION "${SOCI_SQLITE3_LIBRARY}"
    INTERFACE_LINK_LIBRARIES "SOCI::core;SQLite::SQLite3")
endif()
