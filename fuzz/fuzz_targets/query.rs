//! libFuzzer entry of the `query` target; its body is `fuzzing::query`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::query(data));
