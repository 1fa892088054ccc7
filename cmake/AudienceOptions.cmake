# Compiler warnings and sanitizer settings shared by every audience target.

function(audience_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
endfunction()

# AUDIENCE_SANITIZE is a list such as "address;undefined" or "thread".
if(AUDIENCE_SANITIZE)
  list(JOIN AUDIENCE_SANITIZE "," _audience_sanitizers)
  add_compile_options(-fsanitize=${_audience_sanitizers} -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${_audience_sanitizers})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's flow analysis misreads sanitizer instrumentation and reports
    # std::variant / std::function members as maybe-uninitialized.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
