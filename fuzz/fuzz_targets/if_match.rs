//! libFuzzer entry of the `if_match` target; its body is `fuzzing::if_match`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::if_match(data));
