# The libFuzzer harnesses, and the shared files each one links, for the
# libFuzzer build (fuzz/CMakeLists.txt) and the corpus replays in ctest
# (tests/CMakeLists.txt): <name>_fuzzer.cc holds LLVMFuzzerTestOneInput.
set(AUDIENCE_FUZZ_HARNESSES lead_ndjson segment_json protocol snapshot journal)
set(AUDIENCE_FUZZ_SUPPORT seeded_engine persist_fuzz_util)
set(AUDIENCE_FUZZ_SUPPORT_lead_ndjson seeded_engine)
set(AUDIENCE_FUZZ_SUPPORT_segment_json seeded_engine)
set(AUDIENCE_FUZZ_SUPPORT_protocol)
set(AUDIENCE_FUZZ_SUPPORT_snapshot persist_fuzz_util)
set(AUDIENCE_FUZZ_SUPPORT_journal seeded_engine persist_fuzz_util)
