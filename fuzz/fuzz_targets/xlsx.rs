//! libFuzzer entry of the `xlsx` target; its body is `fuzzing::xlsx`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::xlsx(data));
