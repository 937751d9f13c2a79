# Writes snn_core's parameter list (hw/rtl/snn_core.sv's `module snn_core
# #(...)`) as X-macro tables, in declaration order, for CoreParams: its
# fields, JSON and Verilog parameters all iterate them, so the host's copy
# of the list cannot drift from the RTL's (a renamed parameter is a build
# error where the host names it).
#   cmake -DINPUT=snn_core.sv -DOUTPUT=CoreParamsTable.h -P CoreParamsTable.cmake
# X(field, VerilogName, default): field is VerilogName with a lower-case
# first letter.  The *Spram parameters are synthesis choices of the FPGA
# flow (its fit check picks them), not a network's: they get their own
# table.
file(READ "${INPUT}" text)
string(FIND "${text}" "module snn_core #(" begin)
if(begin EQUAL -1)
  message(FATAL_ERROR "${INPUT}: no `module snn_core #(`")
endif()
string(SUBSTRING "${text}" ${begin} -1 text)
string(FIND "${text}" "\n) (" end)
if(end EQUAL -1)
  message(FATAL_ERROR "${INPUT}: snn_core's parameter list has no end")
endif()
string(SUBSTRING "${text}" 0 ${end} header)
string(REGEX MATCHALL "parameter int unsigned [A-Za-z0-9_]+[ ]*=[ ]*[0-9]+"
       params "${header}")
set(core "")
set(spram "")
foreach(param ${params})
  string(REGEX MATCH "parameter int unsigned ([A-Za-z0-9_]+)[ ]*=[ ]*([0-9]+)"
         unused "${param}")
  set(name ${CMAKE_MATCH_1})
  set(value ${CMAKE_MATCH_2})
  string(SUBSTRING "${name}" 0 1 first)
  string(SUBSTRING "${name}" 1 -1 rest)
  string(TOLOWER "${first}" first)
  set(entry "  X(${first}${rest}, ${name}, ${value}) \\\n")
  if(name MATCHES "Spram$")
    string(APPEND spram "${entry}")
  elseif(NOT spram STREQUAL "")
    # verilogParameters() lists CoreParams in the module's order; the
    # synthesis choices come last.
    message(FATAL_ERROR "${INPUT}: snn_core's ${name} follows a *Spram parameter")
  else()
    string(APPEND core "${entry}")
  endif()
endforeach()
if(core STREQUAL "" OR spram STREQUAL "")
  message(FATAL_ERROR "${INPUT}: no snn_core parameters found")
endif()
set(body "// Generated from hw/rtl/snn_core.sv by cmake/CoreParamsTable.cmake: do not edit.\n")
string(APPEND body "#ifndef SNNC_RUNTIME_COREPARAMSTABLE_H\n#define SNNC_RUNTIME_COREPARAMSTABLE_H\n\n")
string(APPEND body "// snn_core's parameters that a network decides (CoreParams), in\n")
string(APPEND body "// declaration order: X(field, VerilogName, default).\n")
string(APPEND body "#define SNNC_CORE_PARAMS(X) \\\n${core}\n")
string(APPEND body "// The single-port memory choices of the FPGA flow (placeInSpram).\n")
string(APPEND body "#define SNNC_CORE_SPRAM_PARAMS(X) \\\n${spram}\n")
string(APPEND body "#endif // SNNC_RUNTIME_COREPARAMSTABLE_H\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
