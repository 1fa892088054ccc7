# Runs `audience replay INPUT` and compares its output with EXPECTED.
execute_process(COMMAND ${CLI} replay ${INPUT}
                OUTPUT_VARIABLE actual RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "audience replay exited with ${rc}")
endif()
file(READ ${EXPECTED} expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "replay output differs.\n--- expected\n${expected}\n--- actual\n${actual}")
endif()
