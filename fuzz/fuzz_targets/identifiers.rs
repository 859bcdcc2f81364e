//! libFuzzer entry of the `identifiers` target; its body is `fuzzing::identifiers`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::identifiers(data));
