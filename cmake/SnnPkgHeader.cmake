# Writes the host side's copy of an RTL package (hw/rtl/snn_pkg.sv,
# hw/rtl/snn_link_pkg.sv): every `parameter int unsigned Name = value;`
# becomes a constexpr in NAMESPACE.
#   cmake -DINPUT=snn_pkg.sv -DOUTPUT=SnnPkg.h -DNAMESPACE=snnc::bus
#         -DGUARD=SNNC_RUNTIME_SNNPKG_H -P SnnPkgHeader.cmake
file(STRINGS "${INPUT}" lines REGEX "^[ ]*parameter int unsigned")
get_filename_component(source "${INPUT}" NAME)
set(body "// Generated from hw/rtl/${source} by cmake/SnnPkgHeader.cmake: do not edit.\n")
string(APPEND body "#ifndef ${GUARD}\n#define ${GUARD}\n\n")
string(APPEND body "#include <cstdint>\n\nnamespace ${NAMESPACE} {\n")
set(count 0)
foreach(line ${lines})
  if(line MATCHES "parameter int unsigned ([A-Za-z0-9_]+)[ ]*=[ ]*([0-9]+);")
    string(APPEND body "constexpr uint32_t ${CMAKE_MATCH_1} = ${CMAKE_MATCH_2};\n")
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${INPUT}: no parameters found")
endif()
string(APPEND body "} // namespace ${NAMESPACE}\n\n#endif // ${GUARD}\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
