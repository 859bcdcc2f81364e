//! libFuzzer entry of the `bodies` target; its body is `fuzzing::bodies`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::bodies(data));
