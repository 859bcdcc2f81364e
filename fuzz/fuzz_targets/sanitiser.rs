//! libFuzzer entry of the `sanitiser` target; its body is `fuzzing::sanitiser`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::sanitiser(data));
