# Writes OUT (a header defining RP_GIT_HASH) from `git describe` of SRC,
# touching it only when the text changes, so an unchanged commit rebuilds
# nothing. "-dirty" marks a tree with uncommitted changes; "unknown" a
# source tree without git.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE hash
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT hash)
  set(hash "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no
    WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE dirty ERROR_QUIET)
  if(dirty)
    set(hash "${hash}-dirty")
  endif()
endif()
set(text "#define RP_GIT_HASH \"${hash}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
