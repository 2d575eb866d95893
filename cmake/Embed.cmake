# oxen_embed(<target> <symbol> <root> <glob>...): compiles the files below <root> that match the
# globs (relative to <root>) into <target>, listed by `std::span<const EmbeddedFile> <symbol>()`.
function(oxen_embed target symbol root)
  set(globs "")
  foreach(g IN LISTS ARGN)
    list(APPEND globs "${root}/${g}")
  endforeach()
  file(GLOB_RECURSE abs_files CONFIGURE_DEPENDS ${globs})
  list(SORT abs_files)
  set(rel_files "")
  foreach(f IN LISTS abs_files)
    file(RELATIVE_PATH rel "${root}" "${f}")
    list(APPEND rel_files "${rel}")
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${symbol}.cpp")
  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/${symbol}.files")
  string(REPLACE ";" "\n" lines "${rel_files}")
  file(CONFIGURE OUTPUT "${list_file}" CONTENT "${lines}\n")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} -DROOT=${root} -DLIST_FILE=${list_file}
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake"
    DEPENDS ${abs_files} "${list_file}" "${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake"
    COMMENT "Embedding ${root}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
