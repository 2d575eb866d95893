# Writes a C++ source that holds the bytes of the files listed in LIST_FILE (one path per line,
# relative to ROOT) and a function
# `std::span<const oxen::EmbeddedFile> SYMBOL()` listing them. Run with cmake -P.
file(STRINGS "${LIST_FILE}" FILES)
file(WRITE "${OUT}.tmp" "// Generated from ${ROOT}; do not edit.\n#include \"embedded.hpp\"\n\nnamespace {\n")
set(index 0)
set(table "")
foreach(rel IN LISTS FILES)
  file(READ "${ROOT}/${rel}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  file(APPEND "${OUT}.tmp" "const char file_${index}[] = {${bytes}'\\0'};\n")
  string(APPEND table "    {\"${rel}\", {file_${index}, ${size}}},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(APPEND "${OUT}.tmp" "const oxen::EmbeddedFile files[] = {\n${table}    {\"\", {}}};\n}  // namespace\n\n")
file(APPEND "${OUT}.tmp" "namespace oxen {\nstd::span<const EmbeddedFile> ${SYMBOL}() { return {files, ${index}}; }\n}  // namespace oxen\n")
file(RENAME "${OUT}.tmp" "${OUT}")
